import http from 'node:http'; import net from 'node:net';
const N = Number(process.argv[2] ?? 100);
const srv = http.createServer({ headersTimeout: 800, requestTimeout: 1500, connectionsCheckingInterval: 200, keepAliveTimeout: 600 }, (req,res)=>res.end('ok'));
await new Promise(r=>srv.listen(0,'127.0.0.1',r));
const port = srv.address().port; const t0=performance.now(); let closed=0; const socks=[];
for (let k=0;k<N;k++){ const s=net.connect(port,'127.0.0.1'); s.on('error',()=>{}); s.on('close',()=>closed++); socks.push(s);
 s.on('connect',()=>{ const head='POST / HTTP/1.1\r\nHost: x\r\nX-A: '; let i=0; const iv=setInterval(()=>{ if(s.destroyed) return clearInterval(iv); s.write(head[i++]??'a'); },100); }); }
const iv=setInterval(()=>console.log((performance.now()-t0).toFixed(0),'closed',closed),500);
setTimeout(()=>process.exit(0),4000);

import { connect } from 'node:net';
import pino from 'pino';
import { loadConfig } from '/work/wt/t13/dist/config.js';
import { startGateway } from '/work/wt/t13/dist/server/bootstrap.js';
const config = loadConfig({ FLEX_DB: '/tmp/conn2.db', FLEX_MASTER_KEY: 'x', FLEX_CLIENT_IDLE_TIMEOUT_MS: '600', FLEX_CLIENT_HEADERS_TIMEOUT_MS: '800', FLEX_CLIENT_REQUEST_TIMEOUT_MS: '1500' }, { port: '0', host: '127.0.0.1' });
const g = await startGateway({ config, log: pino({ level: 'silent' }) });
const port = Number(new URL(g.url).port);
const t0 = performance.now();
const socks = [];
let closed = 0;
for (let i = 0; i < 200; i++) {
  const s = connect({ port, host: '127.0.0.1' }); s.on('error', () => {}); s.on('close', () => closed++);
  if (i % 2) s.on('connect', () => { const head = 'POST /v1/responses HTTP/1.1\r\nHost: x\r\nX-Pad: '; let j = 0; const t = setInterval(() => { if (s.destroyed) return clearInterval(t); s.write(head[j++] ?? 'a'); }, 100); });
  socks.push(s);
}
const iv = setInterval(() => console.log((performance.now() - t0).toFixed(0), 'closed', closed, 'idle open', socks.filter((s, i) => i % 2 === 0 && !s.destroyed).length, 'trickle open', socks.filter((s, i) => i % 2 === 1 && !s.destroyed).length, 'got', globalThis.got), 500);
setTimeout(async () => { clearInterval(iv); for (const s of socks) s.destroy(); await g.stop(100); process.exit(0); }, 6000);

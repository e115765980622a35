// `flexinference bench streams`: memory per open stream. A stand-in upstream starts every streamed
// answer and holds it open (a long generation in progress); this process opens N streams through
// the gateway, each on its own connection, waits until every one has its first event, and reads
// the gateway's resident memory before and after. Each open stream holds two sockets in the
// gateway (caller and upstream), so N is bounded by the gateway's file limit (`ulimit -n`) / 2 per
// process: `--workers 2` spreads them over two gateway processes (memory is read over the whole
// process tree). Streams come from `--sources K` loopback addresses (127.0.0.1…K) in turn, as K
// clients would, so the per-address connection cap stays on at its default while N grows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKey } from '../store/api-keys.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Child } from './processes.js';
import { spawnCli, spawnScript } from './processes.js';

const HOLD_UPSTREAM = fileURLToPath(new URL('./hold-upstream.js', import.meta.url));

/** Resident memory of a process and its children (the workers of `serve --workers N`). */
function residentKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  const own = Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN);
  return childPids(pid).reduce((sum, child) => sum + residentKb(child), own);
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Opens one stream on its own connection; resolves at its first bytes, keeps reading after. */
function openStream(url: string, key: string, opened: { count: number }, localAddress: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/responses`, { method: 'POST', agent: false, localAddress, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`status ${res.statusCode ?? 0}`));
        return;
      }
      res.once('data', () => {
        opened.count++;
        resolve();
      });
      res.on('data', () => undefined);
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'gpt-mock', input: 'Hold on.', stream: true, start_within: 'default' }));
  });
}

export async function runStreamsBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
      open: { type: 'string', default: '5000' },
      batch: { type: 'string', default: '200' },
      workers: { type: 'string', default: '1' },
      sources: { type: 'string', default: '16' },
    },
  });
  const [total, batch, workers, sources] = [values.open, values.batch, values.workers, values.sources].map(Number) as [number, number, number, number];
  if (![total, batch, workers, sources].every((n) => Number.isInteger(n) && n >= 1) || sources > 254) {
    throw new Error('--open, --batch, --workers and --sources must be positive whole numbers (--sources at most 254)');
  }
  let next = 0;
  const source = (): string => `127.0.0.${1 + (next++ % sources)}`;
  const dir = mkdtempSync(join(tmpdir(), 'flexinf-streams-'));
  const children: Child[] = [];
  try {
    const upstream = await spawnScript(HOLD_UPSTREAM, [], {});
    children.push(upstream);
    const dbPath = join(dir, 'bench.db');
    const store = openSqliteStore(dbPath);
    const key = await createKey(store, 'bench', 'streams');
    await store.close();
    const gateway = await spawnCli(['serve', '--port', '0', ...(workers > 1 ? ['--workers', String(workers)] : [])], { FLEX_DB: dbPath, OPENAI_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'bench', LOG_LEVEL: 'warn', FLEX_ORG_RPS: '0' });
    children.push(gateway);
    const pid = gateway.process.pid ?? 0;
    const opened = { count: 0 };
    // Warm-up: code paths compiled and pools created before the baseline is read.
    await Promise.all(Array.from({ length: 50 }, () => openStream(gateway.url, key, { count: 0 }, source())));
    await new Promise((r) => setTimeout(r, 1_000));
    const baseKb = residentKb(pid);
    const started = performance.now();
    for (let i = 0; i < total; i += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, total - i) }, () => openStream(gateway.url, key, opened, source())));
    }
    const openMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2_000));
    const loadedKb = residentKb(pid);
    const perStreamKb = (loadedKb - baseKb) / opened.count;
    process.stdout.write(
      `streams open: ${opened.count} (plus 50 warm-up) in ${(openMs / 1000).toFixed(1)} s, from ${sources} addresses, ${workers} gateway process(es)\n` +
        `gateway resident memory: ${(baseKb / 1024).toFixed(1)} MB before, ${(loadedKb / 1024).toFixed(1)} MB with them open\n` +
        `memory per open stream: ${perStreamKb.toFixed(1)} KB\n`,
    );
    return 0;
  } finally {
    for (const c of children.reverse()) {
      c.process.kill('SIGKILL'); // thousands of held streams: no graceful drain to wait for
      await c.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

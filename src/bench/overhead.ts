// `flexinference bench overhead`: what the gateway adds on top of the upstream, measured side by
// side in one run. The emulator (profile `instant`, no artificial latency) and the gateway run as
// separate processes; this process generates open-loop load at a fixed rate and compares
// direct-to-emulator with through-the-gateway, non-streaming and streaming.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { createKey } from '../store/api-keys.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open.js';
import { percentile } from '../routing/stats.js';
import { spawnCli } from './processes.js';
import type { Child } from './processes.js';

interface Target {
  label: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
}

interface Sample {
  totalMs: number;
  ttfbMs: number;
  chunks: number;
  ok: boolean;
}

async function once(pool: Pool, t: Target): Promise<Sample> {
  const start = performance.now();
  let ttfbMs = 0;
  let chunks = 0;
  try {
    const res = await pool.request({ method: 'POST', path: t.path, headers: t.headers, body: t.body });
    // Counts SSE events (blank-line separated), not TCP reads, for the per-event cost.
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (ttfbMs === 0) ttfbMs = performance.now() - start;
      if (!t.stream) continue;
      for (let at = chunk.indexOf('\n\n'); at !== -1; at = chunk.indexOf('\n\n', at + 2)) chunks++;
    }
    if (!t.stream) chunks = 1;
    return { totalMs: performance.now() - start, ttfbMs, chunks, ok: res.statusCode === 200 };
  } catch {
    return { totalMs: performance.now() - start, ttfbMs, chunks, ok: false };
  }
}

/** Open-loop load: requests start on schedule whether or not earlier ones finished. */
async function load(t: Target, rps: number, seconds: number): Promise<{ samples: Sample[]; achievedRps: number }> {
  const pool = new Pool(t.url, { connections: 256, pipelining: 1 });
  const total = Math.round(rps * seconds);
  const interval = 1000 / rps;
  const started = performance.now();
  const inflight: Promise<Sample>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(once(pool, t));
  }
  const samples = await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { samples, achievedRps: total / elapsed };
}

function stats(samples: Sample[]): { p50: number; p99: number; ttfb50: number; ttfb99: number; chunks: number; errors: number } {
  const ok = samples.filter((s) => s.ok);
  const totals = ok.map((s) => s.totalMs).sort((a, b) => a - b);
  const ttfbs = ok.map((s) => s.ttfbMs).sort((a, b) => a - b);
  return {
    p50: percentile(totals, 0.5),
    p99: percentile(totals, 0.99),
    ttfb50: percentile(ttfbs, 0.5),
    ttfb99: percentile(ttfbs, 0.99),
    chunks: ok.reduce((n, s) => n + s.chunks, 0) / Math.max(1, ok.length),
    errors: samples.length - ok.length,
  };
}

const fmt = (n: number): string => n.toFixed(3).padStart(9);
const signed = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`;

export async function runOverheadBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { rps: { type: 'string' }, seconds: { type: 'string' }, quick: { type: 'boolean', default: false } },
  });
  // --quick: the short run `npm test` makes on every change, to print the figures (not to judge them).
  const rps = Number(values.rps ?? (values.quick ? 200 : 1000));
  const seconds = Number(values.seconds ?? (values.quick ? 1 : 10));
  const warmSeconds = values.quick ? 0.5 : 2;
  if (!(rps > 0) || !(seconds > 0)) throw new Error('--rps and --seconds must be positive numbers');
  const dir = mkdtempSync(join(tmpdir(), 'flexinf-bench-'));
  const children: Child[] = [];
  try {
    const emulator = await spawnCli(['emulator', '--port', '0', '--profile', 'instant'], {});
    children.push(emulator);
    const dbPath = join(dir, 'bench.db');
    // DATABASE_URL / REDIS_URL from the environment add a third case: the same gateway on the
    // shared stores, beside the embedded one.
    const sharedEnv = { DATABASE_URL: process.env.DATABASE_URL ?? '', REDIS_URL: process.env.REDIS_URL ?? '', FLEX_MASTER_KEY: process.env.FLEX_MASTER_KEY || 'bench' };
    const withShared = sharedEnv.DATABASE_URL !== '' || sharedEnv.REDIS_URL !== '';
    const embeddedEnv = { DATABASE_URL: '', REDIS_URL: '', FLEX_MASTER_KEY: 'bench' };
    const keyFor = async (env: Record<string, string>): Promise<string> => {
      const store = await openStore(loadConfig({ ...process.env, ...env, FLEX_DB: dbPath }));
      try {
        return await createKey(store, 'bench', 'overhead');
      } finally {
        await store.close();
      }
    };
    const start = async (env: Record<string, string>): Promise<{ gateway: Child; key: string }> => {
      const key = await keyFor(env);
      const gateway = await spawnCli(['serve', '--port', '0'], { ...gatewayEnv, ...env });
      children.push(gateway);
      return { gateway, key };
    };
    const gatewayEnv = {
      FLEX_DB: dbPath,
      OPENAI_BASE_URL: `${emulator.url}/v1`,
      OPENAI_API_KEY: 'bench',
      GEMINI_BASE_URL: emulator.url,
      GEMINI_API_KEY: 'bench',
      ANTHROPIC_BASE_URL: emulator.url,
      ANTHROPIC_API_KEY: 'bench',
      LOG_LEVEL: 'warn',
      FLEX_ORG_RPS: '0',
    };
    const gateways = [{ label: 'gateway', ...(await start(embeddedEnv)) }];
    if (withShared) gateways.push({ label: 'shared ', ...(await start(sharedEnv)) });
    const prompt = 'Say hello in a few words.';
    const direct = (stream: boolean): Target => ({
      label: `direct   ${stream ? 'stream   ' : 'no-stream'}`,
      url: emulator.url,
      path: '/v1/responses',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify({ model: 'gpt-5-mini', input: prompt, service_tier: 'default', stream }),
      stream,
    });
    const via = (g: (typeof gateways)[number], stream: boolean): Target => ({
      label: `${g.label}  ${stream ? 'stream   ' : 'no-stream'}`,
      url: g.gateway.url,
      path: '/v1/responses',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${g.key}` },
      body: JSON.stringify({ model: 'gpt-5-mini', input: prompt, start_within: 'default', stream }),
      stream,
    });
    process.stdout.write(`overhead benchmark: ${rps} req/s open-loop for ${seconds}s per case, emulator profile "instant"\n`);
    process.stdout.write(
      withShared
        ? `gateway = SQLite, in-process limits; shared = ${[sharedEnv.DATABASE_URL && 'Postgres', sharedEnv.REDIS_URL && 'Redis'].filter(Boolean).join(' + ')}\n\n`
        : 'gateway = SQLite, in-process limits (set DATABASE_URL / REDIS_URL to add the shared stores)\n\n',
    );
    process.stdout.write(`case                  achieved/s   p50 ms    p99 ms  ttfb50 ms ttfb99 ms  events  errors\n`);
    const results = new Map<string, ReturnType<typeof stats>>();
    for (const stream of [false, true]) {
      // Warm both paths (JIT, connection pools) before measuring.
      await load(direct(stream), rps, warmSeconds);
      for (const g of gateways) await load(via(g, stream), rps, warmSeconds);
      for (const target of [direct(stream), ...gateways.map((g) => via(g, stream))]) {
        const { samples, achievedRps } = await load(target, rps, seconds);
        const s = stats(samples);
        results.set(target.label, s);
        process.stdout.write(
          `${target.label}  ${achievedRps.toFixed(0).padStart(10)} ${fmt(s.p50)} ${fmt(s.p99)} ${fmt(s.ttfb50)} ${fmt(s.ttfb99)} ${s.chunks.toFixed(1).padStart(7)} ${String(s.errors).padStart(7)}\n`,
        );
      }
    }
    process.stdout.write('\nadded by the gateway:\n');
    for (const stream of [false, true]) {
      const kind = stream ? 'stream   ' : 'no-stream';
      const d = results.get(`direct   ${kind}`);
      for (const { label } of gateways) {
        const g = results.get(`${label}  ${kind}`);
        if (!d || !g) continue;
        const perEvent = stream && g.chunks > 0 ? ((g.p50 - d.p50) / g.chunks) * 1000 : 0;
        process.stdout.write(
          `  ${label.trim()} ${kind}: p50 +${(g.p50 - d.p50).toFixed(3)} ms (x${(g.p50 / d.p50).toFixed(2)}), p99 +${(g.p99 - d.p99).toFixed(3)} ms (x${(g.p99 / d.p99).toFixed(2)})` +
            (stream ? `, ttfb p50 +${(g.ttfb50 - d.ttfb50).toFixed(3)} ms, ~${perEvent.toFixed(1)} µs per streamed event (${g.chunks.toFixed(0)} events)` : '') +
            '\n',
        );
      }
      const embedded = results.get(`gateway  ${kind}`);
      const shared = results.get(`shared   ${kind}`);
      if (embedded && shared) {
        process.stdout.write(`  shared vs SQLite ${kind}: p50 ${signed(shared.p50 - embedded.p50)} ms, p99 ${signed(shared.p99 - embedded.p99)} ms\n`);
      }
    }
    return 0;
  } finally {
    for (const c of children) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

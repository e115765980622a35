// `flexinference bench flex`: the economics of the flex race. Drives the real gateway code path
// (HTTP server, surfaces, race, providers, ledger) against the emulator under named capacity
// profiles, for each policy, and prints saving, flex share, deadline-hit rate and start latency.
//
// Time compression: the gateway runs on a clock that reads real time × factor and fires timers
// after ms ÷ factor; the emulator's delays are scaled by 1 ÷ factor. Windows, delays and the
// learned statistics therefore all live in the same (virtual) time; nothing else changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Agent, request } from 'undici';
import { createKey } from '../cli.js';
import { loadConfig } from '../config.js';
import type { CapacityProfileName } from '../emulator/index.js';
import { startEmulator } from '../emulator/index.js';
import type { Clock } from '../routing/flex-race.js';
import { percentile } from '../routing/stats.js';
import type { RoutingPolicy } from '../routing/tier-plan.js';
import { startGateway } from '../server/bootstrap.js';
import type { UsageRow } from '../store/store.js';
import { createWorkload } from './workload.js';
import type { Job } from './workload.js';

export function scaledClock(factor: number): Clock {
  const origin = performance.now();
  return {
    now: () => (performance.now() - origin) * factor,
    setTimer(ms, fn) {
      const t = setTimeout(fn, ms / factor);
      return () => clearTimeout(t);
    },
  };
}

type Pass = RoutingPolicy | 'all-standard';

interface Outcome {
  job: Job;
  row: UsageRow | undefined;
  status: number;
}

async function runPass(pass: Pass, profile: CapacityProfileName, jobs: Job[], factor: number, seed: number): Promise<Outcome[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flexinf-flexbench-'));
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', profile, seed, timeScale: 1 / factor, logLimit: 100 });
  const config = loadConfig(
    {
      FLEX_DB: join(dir, 'bench.db'),
      FLEX_MASTER_KEY: 'bench',
      OPENAI_BASE_URL: `${emulator.url}/v1`,
      OPENAI_API_KEY: 'bench',
      GEMINI_BASE_URL: emulator.url,
      GEMINI_API_KEY: 'bench',
      ANTHROPIC_BASE_URL: emulator.url,
      ANTHROPIC_API_KEY: 'bench',
      FLEX_ORG_RPS: '0',
    },
    { port: '0', host: '127.0.0.1' },
  );
  const gateway = await startGateway({
    config,
    log: pino({ level: 'silent' }),
    clock: scaledClock(factor),
    policy: pass === 'all-standard' ? 'deadline-aware' : pass,
    random: seededRandom(seed),
  });
  const key = createKey(gateway.deps.store, 'bench', pass);
  const agent = new Agent({ connections: 512 });
  try {
    const started = performance.now();
    const outcomes = await Promise.all(
      jobs.map(async (job) => {
        const wait = job.arrivalMs / factor - (performance.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const res = await request(`${gateway.url}/v1/responses`, {
          method: 'POST',
          dispatcher: agent,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: job.model,
            input: `Task ${job.id}: summarise the ticket in one line.`,
            start_within: pass === 'all-standard' ? 'default' : job.startWithin,
            stream: job.stream,
          }),
        });
        const requestId = res.headers['x-request-id'];
        await res.body.dump({ limit: Infinity });
        return { job, requestId: typeof requestId === 'string' ? requestId : '', status: res.statusCode };
      }),
    );
    gateway.deps.ledger.flush();
    const rows = new Map(gateway.deps.store.queryUsage({}).map((r) => [r.requestId, r]));
    return outcomes.map((o) => ({ job: o.job, row: rows.get(o.requestId), status: o.status }));
  } finally {
    await agent.close();
    await gateway.stop(1_000);
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

export interface PassFigures {
  savingPct: number;
  flexShare: number;
  deadlineHit: number;
  p50StartMs: number;
  p95StartMs: number;
  errors: number;
}

/** Start = admission of the serving attempt, measured on the gateway clock from request start. */
export function figures(outcomes: Outcome[]): PassFigures {
  const ok = outcomes.filter((o) => o.status === 200 && o.row?.status === 'completed');
  const standard = ok.reduce((n, o) => n + (o.row?.standardCostUsd ?? 0), 0);
  const spent = ok.reduce((n, o) => n + (o.row?.costUsd ?? 0), 0);
  const starts = ok.map((o) => o.row?.admissionMs ?? Infinity).sort((a, b) => a - b);
  const hits = ok.filter((o) => (o.row?.admissionMs ?? Infinity) <= o.job.windowMs).length;
  return {
    savingPct: standard > 0 ? ((standard - spent) / standard) * 100 : 0,
    flexShare: ok.filter((o) => o.row?.servedTier === 'flex').length / Math.max(1, ok.length),
    deadlineHit: hits / Math.max(1, outcomes.length),
    p50StartMs: percentile(starts, 0.5),
    p95StartMs: percentile(starts, 0.95),
    errors: outcomes.length - ok.length,
  };
}

/**
 * The oracle serves flex whenever flex could have started within the window. Its pass gives flex
 * an unbounded wait, so each request's real flex admission time is observed; requests admitted
 * within their window count at flex price, all others at standard price.
 */
export function oracleSavingPct(outcomes: Outcome[]): number {
  let standard = 0;
  let spent = 0;
  for (const o of outcomes) {
    const row = o.row;
    if (!row || row.status !== 'completed') continue;
    standard += row.standardCostUsd;
    const flexInTime = row.servedTier === 'flex' && (row.admissionMs ?? Infinity) <= o.job.windowMs;
    spent += flexInTime ? row.costUsd : row.standardCostUsd;
  }
  return standard > 0 ? ((standard - spent) / standard) * 100 : 0;
}

function printMisses(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    const start = o.row?.admissionMs ?? Infinity;
    if (start <= o.job.windowMs && o.status === 200) continue;
    process.stdout.write(
      `  miss: #${o.job.id} ${o.job.model} window ${o.job.startWithin} status ${o.status} route ${o.row?.route ?? '-'} ` +
        `tier ${o.row?.servedTier ?? '-'} start ${(start / 1000).toFixed(2)}s\n`,
    );
  }
}

const PROFILES: readonly CapacityProfileName[] = ['calm', 'congested', 'outage', 'flapping'];

export async function runFlexBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', multiple: true },
      requests: { type: 'string', default: '200' },
      factor: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      misses: { type: 'boolean', default: false },
    },
  });
  const profiles = (values.profile ?? PROFILES) as CapacityProfileName[];
  const factor = Number(values.factor);
  const seed = Number(values.seed);
  const jobs = createWorkload({ count: Number(values.requests), seed });
  const span = jobs.at(-1)?.arrivalMs ?? 0;
  process.stdout.write(
    `flex economics: ${jobs.length} requests over ${(span / 1000).toFixed(0)} s (virtual), windows 5 s–10 min, ` +
      `${Math.round(jobs.filter((j) => j.stream).length / jobs.length * 100)}% streamed, time compressed ×${factor}\n` +
      `start = admission of the serving attempt; deadline hit = started within start_within\n\n`,
  );
  process.stdout.write(`profile    policy             saving%  oracle%  of-oracle  flex-share  deadline-hit  p50 start  p95 start  errors\n`);
  for (const profile of profiles) {
    const baseline = figures(await runPass('all-standard', profile, jobs, factor, seed));
    const oracle = oracleSavingPct(await runPass('flex-unbounded', profile, jobs, factor, seed));
    const row = (label: string, f: PassFigures): void => {
      const ofOracle = oracle > 0 ? `${((f.savingPct / oracle) * 100).toFixed(1)}%` : '-';
      process.stdout.write(
        `${profile.padEnd(10)} ${label.padEnd(18)} ${f.savingPct.toFixed(1).padStart(7)} ${oracle.toFixed(1).padStart(8)} ${ofOracle.padStart(10)} ` +
          `${(f.flexShare * 100).toFixed(1).padStart(10)}% ${(f.deadlineHit * 100).toFixed(2).padStart(12)}% ` +
          `${(f.p50StartMs / 1000).toFixed(2).padStart(8)}s ${(f.p95StartMs / 1000).toFixed(2).padStart(8)}s ${String(f.errors).padStart(7)}\n`,
      );
    };
    row('all-standard', baseline);
    const ours = await runPass('deadline-aware', profile, jobs, factor, seed);
    row('flexinference', figures(ours));
    if (values.misses) printMisses(ours);
    row('wait-full-window', figures(await runPass('wait-full-window', profile, jobs, factor, seed)));
    process.stdout.write('\n');
  }
  return 0;
}

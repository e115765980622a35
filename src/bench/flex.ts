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
import { PROFILE_NAMES, startEmulator } from '../emulator/index.js';
import type { Clock } from '../clock.js';
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

export interface Outcome {
  job: Job;
  row: UsageRow | undefined;
  status: number;
  /** Virtual milliseconds from sending the request to the first response byte at the client. */
  firstByteMs: number;
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
  const key = await createKey(gateway.deps.store, 'bench', pass);
  const agent = new Agent({ connections: 512 });
  try {
    const started = performance.now();
    const outcomes = await Promise.all(
      jobs.map(async (job) => {
        const wait = job.arrivalMs / factor - (performance.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const sentAt = performance.now();
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
        // The gateway sends nothing before the tier is decided: the response headers are its first
        // bytes (a stream's, at commit; a non-streamed caller's, with the whole answer).
        const firstByteMs = (performance.now() - sentAt) * factor;
        const requestId = res.headers['x-request-id'];
        await res.body.dump({ limit: Infinity });
        return { job, requestId: typeof requestId === 'string' ? requestId : '', status: res.statusCode, firstByteMs };
      }),
    );
    await gateway.deps.ledger.flush();
    const rows = new Map((await gateway.deps.store.queryUsage({})).map((r) => [r.requestId, r]));
    return outcomes.map((o) => ({ job: o.job, row: rows.get(o.requestId), status: o.status, firstByteMs: o.firstByteMs }));
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

/**
 * Start = admission of the serving attempt, measured on the gateway clock from request start.
 * Deadline hit = the first byte reached the client within the window, out of all requests.
 */
export function figures(outcomes: Outcome[]): PassFigures {
  const ok = outcomes.filter((o) => o.status === 200 && o.row?.status === 'completed');
  const standard = ok.reduce((n, o) => n + (o.row?.standardCostUsd ?? 0), 0);
  const spent = ok.reduce((n, o) => n + (o.row?.costUsd ?? 0), 0);
  const starts = ok.map((o) => o.row?.admissionMs ?? Infinity).sort((a, b) => a - b);
  const hits = ok.filter((o) => o.firstByteMs <= o.job.windowMs).length;
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
 * an unbounded wait, so each request's real flex admission time is observed; a request admitted
 * within its window counts at flex price with that pass's start and first byte, any other at
 * standard price with the same request's start and first byte from the all-standard pass. Nothing
 * real runs this policy (it needs to know each flex start in advance); it bounds what any policy
 * could save and how fast it could start while saving that much.
 */
export function oracleFigures(oracle: Outcome[], baseline: Outcome[]): PassFigures {
  const onStandard = new Map(baseline.map((o) => [o.job.id, o]));
  let standard = 0;
  let spent = 0;
  let flex = 0;
  let hits = 0;
  const starts: number[] = [];
  let counted = 0;
  for (const o of oracle) {
    const row = o.row;
    if (!row || row.status !== 'completed') continue;
    counted++;
    standard += row.standardCostUsd;
    const flexInTime = row.servedTier === 'flex' && (row.admissionMs ?? Infinity) <= o.job.windowMs;
    spent += flexInTime ? row.costUsd : row.standardCostUsd;
    if (flexInTime) flex++;
    const served = flexInTime ? o : onStandard.get(o.job.id);
    starts.push(served?.row?.status === 'completed' ? (served.row.admissionMs ?? Infinity) : Infinity);
    if (served?.status === 200 && served.row?.status === 'completed' && served.firstByteMs <= o.job.windowMs) hits++;
  }
  starts.sort((a, b) => a - b);
  return {
    savingPct: standard > 0 ? ((standard - spent) / standard) * 100 : 0,
    flexShare: flex / Math.max(1, counted),
    deadlineHit: hits / Math.max(1, oracle.length),
    p50StartMs: percentile(starts, 0.5),
    p95StartMs: percentile(starts, 0.95),
    errors: oracle.length - counted,
  };
}

function printMisses(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    if (o.firstByteMs <= o.job.windowMs && o.status === 200) continue;
    const start = o.row?.admissionMs ?? Infinity;
    process.stdout.write(
      `  miss: #${o.job.id} ${o.job.model} window ${o.job.startWithin} ${o.job.stream ? 'streamed' : 'non-streamed'} status ${o.status} ` +
        `route ${o.row?.route ?? '-'} tier ${o.row?.servedTier ?? '-'} start ${(start / 1000).toFixed(2)}s first byte ${(o.firstByteMs / 1000).toFixed(2)}s\n`,
    );
  }
}

const PROFILES: readonly CapacityProfileName[] = ['calm', 'slow-flex', 'congested', 'outage', 'flapping'];

function formatRow(profile: string, label: string, f: PassFigures, oracle: PassFigures, baseline: PassFigures): string {
  const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
  const ofOracle = oracle.savingPct > 0 ? pct(f.savingPct / oracle.savingPct) : '-';
  const delta = baseline.p50StartMs > 0 ? Math.round((f.p50StartMs / baseline.p50StartMs - 1) * 100) : NaN;
  const p50Delta = Number.isNaN(delta) ? '-' : `${delta >= 0 ? '+' : ''}${delta}%`;
  return (
    `${profile.padEnd(10)} ${label.padEnd(17)} ${f.savingPct.toFixed(1).padStart(7)}% ${ofOracle.padStart(9)} ` +
    `${pct(f.flexShare).padStart(10)} ${pct(f.deadlineHit, 2).padStart(12)} ` +
    `${(f.p50StartMs / 1000).toFixed(2).padStart(8)}s ${p50Delta.padStart(9)} ${(f.p95StartMs / 1000).toFixed(2).padStart(8)}s ${String(f.errors).padStart(6)}\n`
  );
}

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
  const profiles: CapacityProfileName[] = [];
  for (const name of values.profile ?? PROFILES) {
    const profile = PROFILE_NAMES.find((p) => p === name);
    if (!profile) throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
    profiles.push(profile);
  }
  const factor = Number(values.factor);
  const seed = Number(values.seed);
  const count = Number(values.requests);
  if (!(factor >= 1)) throw new Error('--factor needs a number of at least 1');
  if (!Number.isInteger(count) || count < 1) throw new Error('--requests needs a positive whole number');
  if (!Number.isFinite(seed)) throw new Error('--seed needs a number');
  const jobs = createWorkload({ count, seed });
  const span = jobs.at(-1)?.arrivalMs ?? 0;
  process.stdout.write(
    `flex economics: ${jobs.length} requests over ${(span / 1000).toFixed(0)} s (virtual), windows 5 s–10 min, ` +
      `${Math.round(jobs.filter((j) => j.stream).length / jobs.length * 100)}% streamed, time compressed ×${factor}\n` +
      `saving vs all-standard; start = admission of the serving attempt (Δp50 against all-standard);\n` +
      `deadline hit = first byte at the client within start_within (a non-streamed answer's first byte is the whole answer)\n\n`,
  );
  // Warm up (JIT, sockets) so that the first pass measured is not slower for being first.
  await runPass('deadline-aware', 'instant', jobs.slice(0, Math.min(100, jobs.length)), factor, seed);
  process.stdout.write(`profile    policy             saving  of-oracle  flex-share  deadline-hit  p50 start  Δp50      p95 start  errors\n`);
  for (const profile of profiles) {
    const baselineRun = await runPass('all-standard', profile, jobs, factor, seed);
    const baseline = figures(baselineRun);
    const oracle = oracleFigures(await runPass('flex-unbounded', profile, jobs, factor, seed), baselineRun);
    const write = (label: string, f: PassFigures): void => {
      process.stdout.write(formatRow(profile, label, f, oracle, baseline));
    };
    write('all-standard', baseline);
    write('oracle', oracle);
    const ours = await runPass('deadline-aware', profile, jobs, factor, seed);
    write('flexinference', figures(ours));
    if (values.misses) printMisses(ours);
    write('wait-full-window', figures(await runPass('wait-full-window', profile, jobs, factor, seed)));
    process.stdout.write('\n');
  }
  return 0;
}

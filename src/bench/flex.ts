// `flexinference bench flex`: the economics of the flex race. Drives the real gateway code path
// (HTTP server, surfaces, race, providers, ledger) against the emulator under named capacity
// profiles, for each policy, and prints saving, flex share, deadline-hit rate and start latency.
//
// Time compression: the gateway runs on a clock that reads real time × factor and fires timers
// after ms ÷ factor; the emulator's delays are scaled by 1 ÷ factor. Windows, delays and the
// learned statistics therefore all live in the same (virtual) time; nothing else changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Agent, request } from 'undici';
import { createKey } from '../store/api-keys.js';
import { loadConfig } from '../config.js';
import type { CapacityProfileName } from '../emulator/index.js';
import { parseProfileName, startEmulator } from '../emulator/index.js';
import type { Clock } from '../clock.js';
import type { RoutingPolicy } from '../routing/tier-plan.js';
import { startGateway } from '../server/bootstrap.js';
import { byWindow, figures, inTime, oracleFigures, spread } from './flex-figures.js';
import type { Outcome, PassFigures } from './flex-figures.js';
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

/** How loaded the machine was during a pass: event-loop delay of this process, real milliseconds. */
export interface PassConditions {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

async function runPass(
  pass: Pass,
  profile: CapacityProfileName,
  jobs: Job[],
  factor: number,
  seed: number,
): Promise<{ outcomes: Outcome[]; conditions: PassConditions }> {
  const dir = mkdtempSync(join(tmpdir(), 'flexinf-flexbench-'));
  const loop = monitorEventLoopDelay({ resolution: 10 });
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
  loop.enable();
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
    loop.disable();
    await gateway.deps.ledger.flush();
    const rows = new Map((await gateway.deps.store.queryUsage({})).map((r) => [r.requestId, r]));
    return {
      outcomes: outcomes.map((o) => ({ job: o.job, row: rows.get(o.requestId), status: o.status, firstByteMs: o.firstByteMs })),
      conditions: { loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6 },
    };
  } finally {
    loop.disable();
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


const PROFILES: readonly CapacityProfileName[] = ['calm', 'slow-flex', 'congested', 'outage', 'flapping'];

/** One seed's four passes over one profile. */
interface SeedRun {
  baseline: Outcome[];
  unbounded: Outcome[];
  ours: Outcome[];
  original: Outcome[];
  conditions: PassConditions[];
}

async function runSeed(profile: CapacityProfileName, count: number, factor: number, seed: number): Promise<SeedRun> {
  const jobs = createWorkload({ count, seed });
  const baseline = await runPass('all-standard', profile, jobs, factor, seed);
  const unbounded = await runPass('flex-unbounded', profile, jobs, factor, seed);
  const ours = await runPass('deadline-aware', profile, jobs, factor, seed);
  const original = await runPass('wait-full-window', profile, jobs, factor, seed);
  return {
    baseline: baseline.outcomes,
    unbounded: unbounded.outcomes,
    ours: ours.outcomes,
    original: original.outcomes,
    conditions: [baseline, unbounded, ours, original].map((p) => p.conditions),
  };
}

/** Every seed's outcomes as one set (job ids made distinct per seed). */
function pool(runs: readonly SeedRun[], pick: (r: SeedRun) => Outcome[]): Outcome[] {
  return runs.flatMap((r, i) => pick(r).map((o) => ({ ...o, job: { ...o.job, id: i * 1_000_000 + o.job.id } })));
}

interface Row {
  label: string;
  pooled: PassFigures;
  perSeed: PassFigures[];
}

function rows(runs: readonly SeedRun[]): { rows: Row[]; baseline: Row; oracle: Row; inTimeOracle: Row } {
  const baseline: Row = { label: 'all-standard', pooled: figures(pool(runs, (r) => r.baseline)), perSeed: runs.map((r) => figures(r.baseline)) };
  const oracle: Row = {
    label: 'oracle',
    pooled: oracleFigures(pool(runs, (r) => r.unbounded), pool(runs, (r) => r.baseline)),
    perSeed: runs.map((r) => oracleFigures(r.unbounded, r.baseline)),
  };
  const inTimeOracle: Row = {
    label: 'in-time oracle',
    pooled: oracleFigures(pool(runs, (r) => r.unbounded), pool(runs, (r) => r.baseline), { inTimeOnly: true }),
    perSeed: runs.map((r) => oracleFigures(r.unbounded, r.baseline, { inTimeOnly: true })),
  };
  const pass = (label: string, pick: (r: SeedRun) => Outcome[]): Row => ({ label, pooled: figures(pool(runs, pick)), perSeed: runs.map((r) => figures(pick(r))) });
  return {
    rows: [baseline, oracle, inTimeOracle, pass('flexinference', (r) => r.ours), pass('wait-full-window', (r) => r.original)],
    baseline,
    oracle,
    inTimeOracle,
  };
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

/** The pooled value, followed by the per-seed range when there is more than one seed. */
function cell(pooled: string, perSeed: readonly number[], format: (x: number) => string): string {
  if (perSeed.length < 2 || perSeed.some((x) => !Number.isFinite(x))) return pooled;
  const s = spread(perSeed);
  return `${pooled} (${format(s.min)}…${format(s.max)})`;
}

function formatRow(profile: string, row: Row, oracle: Row, baseline: Row): string {
  const f = row.pooled;
  const ofOracle = (mine: PassFigures, theirs: PassFigures): number => (theirs.savedUsd > 0 ? mine.savedUsd / theirs.savedUsd : NaN);
  const delta = (mine: PassFigures, base: PassFigures): number => (base.p50StartMs > 0 ? mine.p50StartMs / base.p50StartMs - 1 : NaN);
  const signed = (x: number): string => (Number.isNaN(x) ? '-' : `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`);
  const seeds = row.perSeed.map((s, i) => ({ s, o: oracle.perSeed[i], b: baseline.perSeed[i] }));
  const share = ofOracle(f, oracle.pooled);
  return [
    profile.padEnd(10),
    row.label.padEnd(17),
    `${f.savingPct.toFixed(1)}%`.padStart(7),
    cell(Number.isNaN(share) ? '-' : pct(share), seeds.map(({ s, o }) => (o ? ofOracle(s, o) : NaN)), (x) => pct(x)).padStart(22),
    pct(f.flexShare).padStart(7),
    cell(pct(f.deadlineHit, 2), row.perSeed.map((s) => s.deadlineHit), (x) => pct(x, 2)).padStart(26),
    `${f.misses}/${f.requests}`.padStart(9),
    `${(f.p50StartMs / 1000).toFixed(2)}s`.padStart(7),
    cell(signed(delta(f, baseline.pooled)), seeds.map(({ s, b }) => (b ? delta(s, b) : NaN)), signed).padStart(16),
    `${(f.p95StartMs / 1000).toFixed(2)}s`.padStart(8),
    String(f.errors).padStart(6),
  ].join(' ');
}

/** FlexInference's saving as a share of the in-time oracle's: the bound for a policy that keeps every deadline. */
function printInTimeShare(table: readonly Row[], inTimeOracle: Row): void {
  const ours = table.find((r) => r.label === 'flexinference');
  if (!ours) return;
  const perSeed = ours.perSeed.map((s, i) => {
    const o = inTimeOracle.perSeed[i];
    return o && o.savedUsd > 0 ? s.savedUsd / o.savedUsd : NaN;
  });
  process.stdout.write(`  flexinference saves ${cell(pct(ours.pooled.savedUsd / inTimeOracle.pooled.savedUsd), perSeed, (x) => pct(x))} of the in-time oracle's saving\n`);
}

function printWindows(runs: readonly SeedRun[]): void {
  const windows = byWindow(pool(runs, (r) => r.ours), pool(runs, (r) => r.unbounded), pool(runs, (r) => r.baseline));
  process.stdout.write(
    `  by window    requests  oracle-flex  ours-flex  of-oracle  of-in-time  deadline-hit  misses  oracle's flex requests that ours served on standard, by route (late in the oracle's pass too)\n`,
  );
  const share = (mine: PassFigures, theirs: PassFigures): string => (theirs.savedUsd > 0 ? pct(mine.savedUsd / theirs.savedUsd) : '-');
  for (const w of windows) {
    const lost = Object.entries(w.lostTo).sort((a, b) => b[1] - a[1]).map(([route, n]) => `${route} ${n}`).join(' · ');
    process.stdout.write(
      `  ${w.label.padEnd(11)} ${String(w.requests).padStart(9)} ${pct(w.oracle.flexShare).padStart(12)} ${pct(w.ours.flexShare).padStart(10)} ` +
        `${share(w.ours, w.oracle).padStart(10)} ${share(w.ours, w.inTimeOracle).padStart(11)} ${pct(w.ours.deadlineHit, 2).padStart(13)} ${String(w.ours.misses).padStart(7)}  ` +
        `${lost ? `${lost} (${w.lostLateInOracle} late)` : '-'}\n`,
    );
  }
}

function printConditions(runs: readonly SeedRun[]): void {
  const all = runs.flatMap((r) => r.conditions);
  const p99 = Math.max(...all.map((c) => c.loopDelayP99Ms));
  const max = Math.max(...all.map((c) => c.loopDelayMaxMs));
  process.stdout.write(`  conditions: event-loop delay of the bench process (real ms) p99 ≤ ${p99.toFixed(0)}, max ${max.toFixed(0)}; load average ${loadavg()[0]?.toFixed(1)}\n`);
}

function printMisses(runs: readonly SeedRun[]): void {
  for (const o of pool(runs, (r) => r.ours)) {
    if (inTime(o)) continue;
    const start = o.row?.admissionMs ?? Infinity;
    process.stdout.write(
      `  miss: #${o.job.id} ${o.job.model} window ${o.job.startWithin} ${o.job.stream ? 'streamed' : 'non-streamed'} status ${o.status} ` +
        `${o.row?.status ?? '-'} route ${o.row?.route ?? '-'} tier ${o.row?.servedTier ?? '-'} start ${(start / 1000).toFixed(2)}s first byte ${(o.firstByteMs / 1000).toFixed(2)}s\n`,
    );
  }
}

function parseSeeds(values: { seed?: string | undefined; seeds?: string | undefined }): number[] {
  const raw = values.seeds ?? values.seed ?? '1';
  const seeds = raw.split(',').map((x) => Number(x.trim()));
  if (seeds.length === 0 || seeds.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new Error(`--seeds needs positive whole numbers separated by commas (e.g. 1,2,3), got ${JSON.stringify(raw)}`);
  }
  return seeds;
}

export async function runFlexBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', multiple: true },
      requests: { type: 'string', default: '200' },
      factor: { type: 'string', default: '20' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      misses: { type: 'boolean', default: false },
      windows: { type: 'boolean', default: true },
    },
  });
  const profiles: CapacityProfileName[] = [];
  for (const name of values.profile ?? PROFILES) {
    profiles.push(parseProfileName(name, '--profile'));
  }
  const factor = Number(values.factor);
  const count = Number(values.requests);
  const seeds = parseSeeds(values);
  if (!(factor >= 1)) throw new Error('--factor needs a number of at least 1');
  if (!Number.isInteger(count) || count < 1) throw new Error('--requests needs a positive whole number');
  const sample = createWorkload({ count, seed: seeds[0] ?? 1 });
  process.stdout.write(
    `flex economics: ${count} requests per pass over ~${((sample.at(-1)?.arrivalMs ?? 0) / 1000).toFixed(0)} s (virtual), windows 5 s–10 min, ` +
      `${Math.round((sample.filter((j) => j.stream).length / sample.length) * 100)}% streamed, seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}, time compressed ×${factor}\n` +
      `saving vs all-standard; of-oracle = saving as a share of the oracle's; start = admission of the serving attempt (Δp50 against all-standard);\n` +
      `the in-time oracle serves flex only where flex's first byte reached the client within the window (the oracle also counts a non-streamed\n  flex answer that started in time and finished after it);\n` +
      `deadline hit = the first byte of a successful answer at the client within start_within (a non-streamed answer's first byte is the whole answer;\n  a stream that fails after it started counts as an error, not a miss)\n` +
      (seeds.length > 1 ? `figures pool every seed's requests; (a…b) is the range over seeds\n` : '') +
      '\n',
  );
  // Warm up (JIT, sockets) so that the first pass measured is not slower for being first.
  await runPass('deadline-aware', 'instant', sample.slice(0, Math.min(100, sample.length)), factor, seeds[0] ?? 1);
  process.stdout.write(
    `profile    policy             saving              of-oracle    flex            deadline-hit    misses   p50 start      Δp50 p95 start errors\n`,
  );
  for (const profile of profiles) {
    const runs: SeedRun[] = [];
    for (const seed of seeds) runs.push(await runSeed(profile, count, factor, seed));
    const table = rows(runs);
    for (const row of table.rows) {
      if (profile === 'outage' && row.label === 'oracle') continue; // nothing to save: flex never starts
      process.stdout.write(`${formatRow(profile, row, table.oracle, table.baseline)}\n`);
    }
    if (table.inTimeOracle.pooled.savedUsd > 0) printInTimeShare(table.rows, table.inTimeOracle);
    if (values.windows && table.oracle.pooled.savedUsd > 0) printWindows(runs);
    printConditions(runs);
    if (values.misses) printMisses(runs);
    process.stdout.write('\n');
  }
  return 0;
}

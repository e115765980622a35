// The figures `bench flex` prints: per pass, per window class, and their spread over seeds.
import { percentile } from '../routing/stats.js';
import type { UsageRow } from '../store/store.js';
import type { Job } from './workload.js';

export interface Outcome {
  job: Job;
  row: UsageRow | undefined;
  status: number;
  /** Virtual milliseconds from sending the request to the first response byte at the client. */
  firstByteMs: number;
}

export interface PassFigures {
  requests: number;
  savingPct: number;
  /** Saving in USD (standard cost minus spend) over the completed requests. */
  savedUsd: number;
  flexShare: number;
  deadlineHit: number;
  misses: number;
  p50StartMs: number;
  p95StartMs: number;
  errors: number;
}

const completed = (o: Outcome | undefined): boolean => o?.status === 200 && o.row?.status === 'completed';
/**
 * The first byte of a successful answer reached the client within the window: a deadline hit (a
 * stream that failed after it started in time is an error, not a miss).
 */
export const inTime = (o: Outcome | undefined): boolean => o !== undefined && o.status === 200 && o.firstByteMs <= o.job.windowMs;

/**
 * Start = admission of the serving attempt, measured on the gateway clock from request start.
 * Deadline hit = the first byte of a successful answer reached the client within the window, out
 * of all requests. A stream that started in time and failed later (a provider failure after
 * admission: bytes were sent, so it cannot be re-run) kept its deadline and counts as an error.
 */
export function figures(outcomes: readonly Outcome[]): PassFigures {
  const ok = outcomes.filter(completed);
  const standard = ok.reduce((n, o) => n + (o.row?.standardCostUsd ?? 0), 0);
  const spent = ok.reduce((n, o) => n + (o.row?.costUsd ?? 0), 0);
  const starts = ok.map((o) => o.row?.admissionMs ?? Infinity).sort((a, b) => a - b);
  const hits = outcomes.filter(inTime).length;
  return {
    requests: outcomes.length,
    savingPct: standard > 0 ? ((standard - spent) / standard) * 100 : 0,
    savedUsd: standard - spent,
    flexShare: ok.filter((o) => o.row?.servedTier === 'flex').length / Math.max(1, ok.length),
    deadlineHit: hits / Math.max(1, outcomes.length),
    misses: outcomes.length - hits,
    p50StartMs: percentile(starts, 0.5),
    p95StartMs: percentile(starts, 0.95),
    errors: outcomes.length - ok.length,
  };
}

/**
 * Flex started within the window in the oracle's unbounded pass; with `inTimeOnly`, its first byte
 * also reached the client within the window (a non-streamed flex answer that started in time can
 * finish after it).
 */
function oracleFlex(o: Outcome, inTimeOnly = false): boolean {
  return completed(o) && o.row?.servedTier === 'flex' && (o.row.admissionMs ?? Infinity) <= o.job.windowMs && (!inTimeOnly || inTime(o));
}

/**
 * The oracle serves flex whenever flex could have started within the window. Its pass gives flex
 * an unbounded wait, so each request's real flex admission time is observed; a request admitted
 * within its window counts at flex price with that pass's start and first byte, any other at
 * standard price with the same request's start and first byte from the all-standard pass. Nothing
 * real runs this policy (it needs to know each flex start in advance); it bounds what any policy
 * could save and how fast it could start while saving that much. With `inTimeOnly` it is the
 * in-time oracle: flex only where flex's first byte reached the client within the window, the bound
 * for a policy that keeps every deadline.
 */
export function oracleFigures(oracle: readonly Outcome[], baseline: readonly Outcome[], options: { inTimeOnly?: boolean } = {}): PassFigures {
  const onStandard = new Map(baseline.map((o) => [o.job.id, o]));
  let standard = 0;
  let spent = 0;
  let flex = 0;
  let hits = 0;
  const starts: number[] = [];
  let counted = 0;
  for (const o of oracle) {
    const flexInTime = oracleFlex(o, options.inTimeOnly);
    const served = flexInTime ? o : onStandard.get(o.job.id);
    if (inTime(served)) hits++;
    const row = o.row;
    if (!row || row.status !== 'completed') continue;
    counted++;
    standard += row.standardCostUsd;
    spent += flexInTime ? row.costUsd : row.standardCostUsd;
    if (flexInTime) flex++;
    starts.push(completed(served) ? (served?.row?.admissionMs ?? Infinity) : Infinity);
  }
  starts.sort((a, b) => a - b);
  return {
    requests: oracle.length,
    savingPct: standard > 0 ? ((standard - spent) / standard) * 100 : 0,
    savedUsd: standard - spent,
    flexShare: flex / Math.max(1, counted),
    deadlineHit: hits / Math.max(1, oracle.length),
    misses: oracle.length - hits,
    p50StartMs: percentile(starts, 0.5),
    p95StartMs: percentile(starts, 0.95),
    errors: oracle.length - counted,
  };
}

/** The window classes of the per-window breakdown, by upper bound (inclusive). */
export const WINDOW_CLASSES = [
  { label: '5–30 s', upToMs: 30_000 },
  { label: '30 s–2 min', upToMs: 120_000 },
  { label: '2–10 min', upToMs: 600_000 },
] as const;

function windowClass(windowMs: number): string {
  return (WINDOW_CLASSES.find((c) => windowMs <= c.upToMs) ?? WINDOW_CLASSES[2]).label;
}

export interface WindowFigures {
  label: string;
  requests: number;
  oracle: PassFigures;
  ours: PassFigures;
  /** Requests the oracle served on flex in time that ours served on standard, by our route. */
  lostTo: Record<string, number>;
  /** Of those, the ones whose flex answer reached the client after the window in the oracle's pass too. */
  lostLateInOracle: number;
  inTimeOracle: PassFigures;
}

/** Ours against the oracle per window class: where the saving is lost, and where deadlines are. */
export function byWindow(ours: readonly Outcome[], oracle: readonly Outcome[], baseline: readonly Outcome[]): WindowFigures[] {
  const oracleById = new Map(oracle.map((o) => [o.job.id, o]));
  return WINDOW_CLASSES.map(({ label }) => {
    const mine = ours.filter((o) => windowClass(o.job.windowMs) === label);
    const ids = new Set(mine.map((o) => o.job.id));
    const lostTo: Record<string, number> = {};
    let lostLateInOracle = 0;
    for (const o of mine) {
      const theirs = oracleById.get(o.job.id);
      if (!theirs || !oracleFlex(theirs) || o.row?.servedTier === 'flex') continue;
      const route = o.row?.route ?? `status ${o.status}`;
      lostTo[route] = (lostTo[route] ?? 0) + 1;
      if (!inTime(theirs)) lostLateInOracle++;
    }
    const theirs = oracle.filter((o) => ids.has(o.job.id));
    const standard = baseline.filter((o) => ids.has(o.job.id));
    return {
      label,
      requests: mine.length,
      oracle: oracleFigures(theirs, standard),
      ours: figures(mine),
      lostTo,
      lostLateInOracle,
      inTimeOracle: oracleFigures(theirs, standard, { inTimeOnly: true }),
    };
  });
}

export interface Spread {
  mean: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: NaN, min: NaN, max: NaN };
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

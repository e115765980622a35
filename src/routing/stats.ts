// Recent flex and standard statistics per provider and model, behind a small interface so a
// shared (Redis) implementation can replace the in-process one, and a snapshot (kept in the store)
// carries them across a restart.
import type { ProviderName } from '../canonical/types.js';
import { readSnapshot, type FlexStatsSnapshot, type SnapshotSeries } from './stats-snapshot.js';
import { chanceAbove, fitLogNormal, highQuantile, upperNormalTail } from './stats-tail.js';

export { percentile } from './stats-tail.js';
export type { FlexStatsSnapshot } from './stats-snapshot.js';

export interface StatsKey {
  provider: ProviderName;
  model: string;
}

/** One flex attempt's fate. A race can make several: capacity refusals are retried. */
export type FlexOutcome =
  | { kind: 'admitted'; afterMs: number }
  | { kind: 'timeout'; budgetMs: number }
  | { kind: 'refused' }
  | { kind: 'error' };

/**
 * How long a non-streamed answer took to finish: a standard attempt from being opened, a flex
 * attempt from its admission (its generation time). `outputLimit` is the request's own limit on
 * output tokens (none: unlimited), so long answers do not set the reserve of short ones.
 */
export type FinishSample = ({ tier: 'standard'; afterOpenMs: number } | { tier: 'flex'; afterAdmissionMs: number }) & {
  outputLimit?: number;
};

/** Finish times of non-streamed answers with a similar output limit (see `finishReserveMs`). */
export interface FinishReserve {
  standardMs: number;
  flexGenerationMs: number;
  /**
   * Chance that a standard answer takes longer than `ms` from its opening, read from the same
   * samples as `standardMs`. Before there are enough: a start (standard's own, or flex's admission)
   * plus flex's generation, added as distributions, when flex's generation is known; otherwise a
   * log-normal whose median is half the finish default and whose p99.9 is the default, so a window
   * shorter than the default is not taken as safe for a fallback before anything is known.
   */
  standardLongerThan: (ms: number) => number;
  /** Chance that a flex generation (admission to finish) takes longer than `ms`; 0 before data. */
  flexGenerationLongerThan: (ms: number) => number;
}

/** What recent flex attempts of one model say about the next attempt. */
export interface FlexOutlook {
  /** How many recent attempts the outlook is read from. */
  attempts: number;
  /** Share of attempts refused for capacity (429/503). */
  refused: number;
  /**
   * Share of attempts whose budget ran out before admission, whatever that budget was. Admission
   * comes in congested spells, so a longer budget than those that ran out is no proof that flex
   * would have been admitted: the race takes this as a floor on the chance of a fallback.
   */
  timedOut: number;
  /**
   * Chance that an attempt is admitted within `budgetMs` (refused and failed attempts are not
   * admitted). Before any attempt ran under a budget about this long, flex is given the benefit
   * of the doubt: admitted unless refused or failed.
   */
  admittedWithin(budgetMs: number): number;
}

export interface FlexStats {
  /** Expected time for the standard tier of this model to start: what the race reserves. */
  standardReserveMs(key: StatsKey): number;
  /**
   * How long a non-streamed answer takes to finish, as recent high percentiles of answers with a
   * similar output limit: on standard from the attempt's opening (the start default before there is
   * data), and on flex from admission (0 before there is data).
   */
  finishReserveMs(key: StatsKey, outputLimit?: number): FinishReserve;
  /**
   * The same high percentile of standard finish times, only when learned from enough answers (with
   * this output limit or a longer one); undefined before there is data, never the default.
   */
  learnedStandardFinishMs(key: StatsKey, outputLimit?: number): number | undefined;
  /** Recent flex attempts of this model; undefined without enough of them. */
  flexOutlook(key: StatsKey): FlexOutlook | undefined;
  recordFlex(key: StatsKey, outcome: FlexOutcome): void;
  recordStandardStart(key: StatsKey, afterMs: number): void;
  recordFinish(key: StatsKey, sample: FinishSample): void;
  /** Every recent sample with its age, for the store. */
  snapshot(): FlexStatsSnapshot;
  /** Adds a snapshot's samples (aged by the time since it was taken); malformed parts are skipped. */
  restore(snapshot: unknown): number;
}

export interface InProcessStatsOptions {
  now: () => number;
  /** Wall clock (ms since the epoch), to age a snapshot by the time the gateway was down. */
  wallNow?: () => number;
  /** Samples kept per key and kind. */
  capacity?: number;
  /** Samples older than this are ignored. */
  horizonMs?: number;
  /** Reserve before enough standard samples exist. */
  defaultReserveMs?: number;
  /**
   * A non-streamed fallback's reserve (open to the whole answer) before enough samples exist:
   * twice the start reserve, since it covers a start and a generation.
   */
  defaultFinishReserveMs?: number;
  /** Samples needed before the statistics are trusted. */
  minSamples?: number;
  /** Standard normal quantile of the log-normal tail the reserves extrapolate to (3.09: p99.9). */
  reserveTailZ?: number;
}

/**
 * A timeout under a budget at most this much shorter than the one asked about still counts as a
 * miss. A client with one fixed window sees its flex budget move with the reserve (a few ms to a
 * few %); without the tolerance none of its own timeouts would count once the budget grew by 1 ms.
 * The price is a slight pessimism: an attempt that timed out at 0.9·B is taken as not admitted
 * within B although it might have been admitted in that last tenth. For admission delays spread
 * like the ones seen (log-normal, σ 0.3–1), at most 5–13 % of admissions fall in any such band, and
 * only the timeouts in the band are affected, so the estimate moves by a few points at most,
 * far from the skip threshold's scale.
 */
export const TIMEOUT_TOLERANCE = 0.1;

/** Upper bounds of the output-limit buckets of finish times; above the last, and none, is unlimited. */
const OUTPUT_LIMIT_BUCKETS = [256, 1_024, 4_096, 16_384] as const;

export function outputLimitBucket(limit: number | undefined): number {
  if (limit === undefined) return OUTPUT_LIMIT_BUCKETS.length;
  const i = OUTPUT_LIMIT_BUCKETS.findIndex((upper) => limit <= upper);
  return i === -1 ? OUTPUT_LIMIT_BUCKETS.length : i;
}

interface Sample<T> {
  at: number;
  value: T;
}

/** Fixed-size ring of recent samples. */
class Ring<T> {
  private readonly items: Sample<T>[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}
  push(sample: Sample<T>): void {
    if (this.items.length < this.capacity) this.items.push(sample);
    else this.items[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }
  since(at: number): T[] {
    return this.samplesSince(at).map((s) => s.value);
  }
  /** Oldest first. */
  samplesSince(at: number): Sample<T>[] {
    const ordered = this.items.length < this.capacity ? this.items : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return ordered.filter((s) => s.at >= at);
  }
}

type SeriesKind = SnapshotSeries['kind'];

/** A finish-time series read as a high quantile and a tail; `learned` is false for the default. */
interface FinishTail {
  high: number;
  longerThan: (ms: number) => number;
  learned: boolean;
}

export function createInProcessStats(options: InProcessStatsOptions): FlexStats {
  const capacity = options.capacity ?? 200;
  const horizonMs = options.horizonMs ?? 10 * 60_000;
  const defaultReserveMs = options.defaultReserveMs ?? 3_000;
  const defaultFinishReserveMs = options.defaultFinishReserveMs ?? 2 * defaultReserveMs;
  const minSamples = options.minSamples ?? 8;
  const tailZ = options.reserveTailZ ?? 3.09;
  const wallNow = options.wallNow ?? Date.now;
  const flex = new Map<string, Ring<FlexOutcome>>();
  const numeric = new Map<string, Ring<number>>();
  const keys = new Map<string, StatsKey>();
  const id = (key: StatsKey): string => `${key.provider}\u0000${key.model}`;
  const seriesId = (key: StatsKey, kind: Exclude<SeriesKind, 'flex'>, bucket = 0): string => `${id(key)}\u0000${kind}\u0000${bucket}`;
  const ring = <T>(map: Map<string, Ring<T>>, seriesKey: string, key: StatsKey): Ring<T> => {
    let r = map.get(seriesKey);
    if (!r) {
      map.set(seriesKey, (r = new Ring<T>(capacity)));
      keys.set(id(key), key);
    }
    return r;
  };

  /** Recent samples sorted ascending, or undefined with too few of them. */
  const recent = (seriesKey: string, now: number): number[] | undefined => {
    const samples = numeric.get(seriesKey)?.since(now - horizonMs) ?? [];
    return samples.length < minSamples ? undefined : samples.sort((a, b) => a - b);
  };
  /** The high reserve quantile of recent samples, or undefined with too few of them. */
  const high = (seriesKey: string, now: number): number | undefined => {
    const sorted = recent(seriesKey, now);
    return sorted && highQuantile(sorted, tailZ);
  };

  // Reserves and outlooks are read on every flex request but change only with new samples (or as
  // old ones age out): computed once per sample and per second rather than per request.
  const cached = <T>(compute: (key: StatsKey, now: number, variant: number) => T) => {
    const values = new Map<string, { value: T; at: number }>();
    return {
      get: (key: StatsKey, variant = 0): T => {
        const now = options.now();
        const cacheKey = `${id(key)}\u0000${variant}`;
        const hit = values.get(cacheKey);
        if (hit && now - hit.at < 1_000) return hit.value;
        const value = compute(key, now, variant);
        values.set(cacheKey, { value, at: now });
        return value;
      },
      invalidate: (key: StatsKey): void => {
        for (const k of values.keys()) if (k.startsWith(`${id(key)}\u0000`)) values.delete(k);
      },
    };
  };
  const startReserve = cached((key, now) => high(seriesId(key, 'standard-start'), now) ?? defaultReserveMs);
  /**
   * The high quantile of one output-limit bucket, and the chance of exceeding a given time. A bucket
   * with too few samples borrows from the longer limits (never shorter ones), then defaults.
   */
  const bucketed = (kind: 'standard-finish' | 'flex-generation', fallback: (key: StatsKey, bucket: number, now: number) => FinishTail) =>
    cached((key, now, bucket): FinishTail => {
      for (let b = bucket; b <= OUTPUT_LIMIT_BUCKETS.length; b++) {
        const sorted = recent(seriesId(key, kind, b), now);
        if (!sorted) continue;
        const fit = fitLogNormal(sorted);
        return { high: highQuantile(sorted, tailZ, fit), longerThan: (ms) => chanceAbove(sorted, ms, fit), learned: true };
      }
      return fallback(key, bucket, now);
    });
  const flexFinish = bucketed('flex-generation', () => ({ high: 0, longerThan: (ms) => (ms < 0 ? 1 : 0), learned: false }));
  const defaultSd = Math.LN2 / tailZ;
  const defaultStandardFinish: FinishTail = {
    high: defaultFinishReserveMs,
    longerThan: (ms) => upperNormalTail(Math.log(Math.max(ms, 1) / (defaultFinishReserveMs / 2)) / defaultSd),
    learned: false,
  };
  /** Flex's recent admission times, sorted ascending, or undefined with too few admissions. */
  const flexAdmissions = cached((key, now): number[] | undefined => {
    const afterMs: number[] = [];
    for (const outcome of flex.get(id(key))?.since(now - horizonMs) ?? []) if (outcome.kind === 'admitted') afterMs.push(outcome.afterMs);
    return afterMs.length < minSamples ? undefined : afterMs.sort((a, b) => a - b);
  });
  /**
   * Before standard's own finish times are known, a finish is estimated as a start and a generation,
   * added as distributions. The generation: flex's generation times for the same output limit (the
   * same model writing the same length). The start: standard's own recent starts when there are
   * enough; otherwise flex's admission times, since flex is the same model's lower-priority tier and
   * standard starts no later than flex would at the same moment, unless those run past the start
   * default, when the default's p99.9 stands for every start (a late-leaning estimate). Without flex
   * generation times, the default.
   */
  const standardFinish = bucketed('standard-finish', (key, bucket, now) => {
    const generation = flexFinish.get(key, bucket);
    if (!generation.learned) return defaultStandardFinish;
    const starts = recent(seriesId(key, 'standard-start'), now) ?? flexAdmissions.get(key);
    if (!starts || highQuantile(starts, tailZ) > defaultReserveMs) {
      return { high: defaultReserveMs + generation.high, longerThan: (ms) => generation.longerThan(ms - defaultReserveMs), learned: false };
    }
    return { ...sumOfTails(starts, generation.longerThan, tailZ), learned: false };
  });
  const outlook = cached((key, now) => computeOutlook(flex.get(id(key))?.since(now - horizonMs) ?? [], minSamples));

  const add = (key: StatsKey, kind: SeriesKind, at: number, value: unknown, bucket = 0): boolean => {
    if (kind === 'flex') {
      const outcome = asFlexOutcome(value);
      if (outcome) ring(flex, id(key), key).push({ at, value: outcome });
      outlook.invalidate(key);
      return outcome !== undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return false;
    ring(numeric, seriesId(key, kind, bucket), key).push({ at, value });
    // An estimate of standard's finish (from the other series) follows them within the cache's second.
    (kind === 'standard-start' ? startReserve : kind === 'standard-finish' ? standardFinish : flexFinish).invalidate(key);
    return true;
  };

  return {
    standardReserveMs: (key) => startReserve.get(key),
    finishReserveMs: (key, outputLimit) => {
      const bucket = outputLimitBucket(outputLimit);
      const standard = standardFinish.get(key, bucket);
      const generation = flexFinish.get(key, bucket);
      return { standardMs: standard.high, flexGenerationMs: generation.high, standardLongerThan: standard.longerThan, flexGenerationLongerThan: generation.longerThan };
    },
    learnedStandardFinishMs: (key, outputLimit) => {
      const standard = standardFinish.get(key, outputLimitBucket(outputLimit));
      return standard.learned ? standard.high : undefined;
    },
    flexOutlook: (key) => outlook.get(key),
    recordFlex: (key, outcome) => void add(key, 'flex', options.now(), outcome),
    recordStandardStart: (key, afterMs) => void add(key, 'standard-start', options.now(), afterMs),
    recordFinish(key, sample) {
      const bucket = outputLimitBucket(sample.outputLimit);
      if (sample.tier === 'standard') add(key, 'standard-finish', options.now(), sample.afterOpenMs, bucket);
      else add(key, 'flex-generation', options.now(), sample.afterAdmissionMs, bucket);
    },
    snapshot() {
      const now = options.now();
      const series: SnapshotSeries[] = [];
      const aged = <T>(r: Ring<T>): [number, T][] => r.samplesSince(now - horizonMs).map((s) => [Math.max(0, now - s.at), s.value]);
      for (const [k, r] of flex) {
        const key = keys.get(k);
        if (key) series.push({ ...key, kind: 'flex', bucket: 0, samples: aged(r) });
      }
      for (const [k, r] of numeric) {
        const [keyId, kind, bucket] = splitSeriesId(k);
        const key = keys.get(keyId);
        if (key) series.push({ ...key, kind, bucket, samples: aged(r) });
      }
      return { version: 1, savedAt: wallNow(), series: series.filter((s) => s.samples.length > 0) };
    },
    restore(raw) {
      const snapshot = readSnapshot(raw);
      if (!snapshot) return 0;
      const now = options.now();
      const downMs = Math.max(0, wallNow() - snapshot.savedAt);
      let restored = 0;
      for (const s of snapshot.series) {
        const key = { provider: s.provider, model: s.model };
        // Oldest first, so the ring keeps the newest when a snapshot holds more than it does.
        for (const [ageMs, value] of [...s.samples].sort((a, b) => b[0] - a[0])) {
          const at = now - ageMs - downMs;
          if (at >= now - horizonMs && add(key, s.kind, at, value, s.bucket)) restored++;
        }
      }
      return restored;
    },
  };
}

function splitSeriesId(seriesKey: string): [string, Exclude<SeriesKind, 'flex'>, number] {
  const parts = seriesKey.split('\u0000');
  return [`${parts[0]}\u0000${parts[1]}`, parts[2] as Exclude<SeriesKind, 'flex'>, Number(parts[3])];
}

function asFlexOutcome(value: unknown): FlexOutcome | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const ms = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  switch (v.kind) {
    case 'admitted':
      return ms(v.afterMs) ? { kind: 'admitted', afterMs: v.afterMs } : undefined;
    case 'timeout':
      return ms(v.budgetMs) ? { kind: 'timeout', budgetMs: v.budgetMs } : undefined;
    case 'refused':
    case 'error':
      return { kind: v.kind };
    default:
      return undefined;
  }
}

/** Sorted admission delays and timeout budgets, so each question is two binary searches. */
/**
 * A start drawn from recent `starts` (sorted ascending; read at up to 40 quantiles, each the top of its share, so the read leans late) followed
 * by a generation with the given tail: the chance the two together outlast a time, and the time
 * outlasted with the chance of the normal tail at `z` (p99.9 at 3.09).
 */
function sumOfTails(starts: readonly number[], generationLongerThan: (ms: number) => number, z: number): Pick<FinishTail, 'high' | 'longerThan'> {
  const points = Math.min(40, starts.length);
  const picked = Array.from({ length: points }, (_, i) => starts[Math.ceil(((i + 1) * starts.length) / points) - 1] ?? 0);
  const longerThan = (ms: number): number => picked.reduce((sum, start) => sum + generationLongerThan(ms - start), 0) / points;
  const target = upperNormalTail(z);
  let low = 0;
  let high = 1_000;
  while (longerThan(high) > target && high < 86_400_000) high *= 2;
  for (let i = 0; i < 30 && high - low > 1; i++) {
    const mid = (low + high) / 2;
    if (longerThan(mid) > target) low = mid;
    else high = mid;
  }
  return { high: Math.ceil(high), longerThan };
}

function computeOutlook(samples: readonly FlexOutcome[], minSamples: number): FlexOutlook | undefined {
  if (samples.length < minSamples) return undefined;
  const admitted: number[] = [];
  const timeouts: number[] = [];
  let refused = 0;
  let failed = 0;
  for (const s of samples) {
    if (s.kind === 'admitted') admitted.push(s.afterMs);
    else if (s.kind === 'timeout') timeouts.push(s.budgetMs);
    else if (s.kind === 'refused') refused++;
    else failed++;
  }
  admitted.sort((a, b) => a - b);
  timeouts.sort((a, b) => a - b);
  const started = (samples.length - refused - failed) / samples.length;
  return {
    attempts: samples.length,
    refused: refused / samples.length,
    timedOut: timeouts.length / samples.length,
    admittedWithin(budgetMs) {
      // Attempts that answered within this budget, and those whose budget was (about) this long
      // or longer but ran out: what an attempt with this budget would have become.
      const inTime = countAtMost(admitted, budgetMs);
      const late = admitted.length - inTime + timeouts.length - countBelow(timeouts, budgetMs * (1 - TIMEOUT_TOLERANCE));
      const counted = inTime + late;
      return counted === 0 ? started : started * (inTime / counted);
    },
  };
}

function countAtMost(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Recent flex and standard start statistics per provider and model, behind a small interface so a
// shared (Redis) implementation can replace the in-process one.
import type { ProviderName } from '../canonical/types.js';

export interface StatsKey {
  provider: ProviderName;
  model: string;
}

export type FlexOutcome =
  | { kind: 'admitted'; afterMs: number }
  | { kind: 'timeout'; budgetMs: number }
  | { kind: 'refused' }
  | { kind: 'error' };

/**
 * How long a non-streamed answer took to finish: a standard attempt from being opened, a flex
 * attempt from its admission (its generation time).
 */
export type FinishSample = { tier: 'standard'; afterOpenMs: number } | { tier: 'flex'; afterAdmissionMs: number };

export interface FlexStats {
  /** Expected time for the standard tier of this model to start: what the race reserves. */
  standardReserveMs(key: StatsKey): number;
  /**
   * How long a non-streamed answer takes to finish, as recent high percentiles: on standard from
   * the attempt's opening (the start default before there is data), and on flex from admission
   * (0 before there is data). A non-streamed caller's first byte is the whole answer.
   */
  finishReserveMs(key: StatsKey): { standardMs: number; flexGenerationMs: number };
  /** Chance that flex starts within `budgetMs`, from recent traffic; undefined without enough data. */
  flexAdmitProbability(key: StatsKey, budgetMs: number): number | undefined;
  recordFlex(key: StatsKey, outcome: FlexOutcome): void;
  recordStandardStart(key: StatsKey, afterMs: number): void;
  recordFinish(key: StatsKey, sample: FinishSample): void;
}

export interface InProcessStatsOptions {
  now: () => number;
  /** Samples kept per key and kind. */
  capacity?: number;
  /** Samples older than this are ignored. */
  horizonMs?: number;
  /** Reserve before enough standard samples exist. */
  defaultReserveMs?: number;
  /** Samples needed before the statistics are trusted. */
  minSamples?: number;
  /** Robust high percentile used for the reserve. */
  reservePercentile?: number;
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
    return this.items.filter((s) => s.at >= at).map((s) => s.value);
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export function createInProcessStats(options: InProcessStatsOptions): FlexStats {
  const capacity = options.capacity ?? 200;
  const horizonMs = options.horizonMs ?? 10 * 60_000;
  const defaultReserveMs = options.defaultReserveMs ?? 3_000;
  const minSamples = options.minSamples ?? 8;
  const reservePercentile = options.reservePercentile ?? 0.99;
  const flex = new Map<string, Ring<FlexOutcome>>();
  const standard = new Map<string, Ring<number>>();
  const standardFinishes = new Map<string, Ring<number>>();
  const flexGeneration = new Map<string, Ring<number>>();
  const id = (key: StatsKey): string => `${key.provider}\u0000${key.model}`;
  const ring = <T>(map: Map<string, Ring<T>>, key: StatsKey): Ring<T> => {
    let r = map.get(id(key));
    if (!r) map.set(id(key), (r = new Ring<T>(capacity)));
    return r;
  };

  /** The reserve percentile of recent samples, or undefined with too few of them. */
  const high = (map: Map<string, Ring<number>>, key: StatsKey, now: number): number | undefined => {
    const samples = map.get(id(key))?.since(now - horizonMs) ?? [];
    if (samples.length < minSamples) return undefined;
    return percentile(samples.sort((a, b) => a - b), reservePercentile);
  };

  // Reserves are read on every flex request but change only with new samples (or as old ones age
  // out): computed once per sample and per second rather than sorted per request.
  const cached = (compute: (key: StatsKey, now: number) => number): { get: (key: StatsKey) => number; invalidate: (key: StatsKey) => boolean } => {
    const values = new Map<string, { value: number; at: number }>();
    return {
      get: (key: StatsKey): number => {
        const now = options.now();
        const hit = values.get(id(key));
        if (hit && now - hit.at < 1_000) return hit.value;
        const value = compute(key, now);
        values.set(id(key), { value, at: now });
        return value;
      },
      invalidate: (key: StatsKey): boolean => values.delete(id(key)),
    };
  };
  const startReserve = cached((key, now) => high(standard, key, now) ?? defaultReserveMs);
  const standardFinish = cached((key, now) => high(standardFinishes, key, now) ?? defaultReserveMs);
  const flexFinish = cached((key, now) => high(flexGeneration, key, now) ?? 0);

  return {
    standardReserveMs: startReserve.get,
    finishReserveMs: (key) => ({ standardMs: standardFinish.get(key), flexGenerationMs: flexFinish.get(key) }),
    flexAdmitProbability(key, budgetMs) {
      const samples = flex.get(id(key))?.since(options.now() - horizonMs) ?? [];
      if (samples.length < minSamples) return undefined;
      let fits = 0;
      let counted = 0;
      for (const s of samples) {
        // A timeout under a shorter budget says nothing about whether a longer one would admit.
        if (s.kind === 'timeout' && s.budgetMs < budgetMs) continue;
        counted++;
        if (s.kind === 'admitted' && s.afterMs <= budgetMs) fits++;
      }
      return counted < minSamples ? undefined : fits / counted;
    },
    recordFlex(key, outcome) {
      ring(flex, key).push({ at: options.now(), value: outcome });
    },
    recordStandardStart(key, afterMs) {
      ring(standard, key).push({ at: options.now(), value: afterMs });
      startReserve.invalidate(key);
    },
    recordFinish(key, sample) {
      if (sample.tier === 'standard') {
        ring(standardFinishes, key).push({ at: options.now(), value: sample.afterOpenMs });
        standardFinish.invalidate(key);
      } else {
        ring(flexGeneration, key).push({ at: options.now(), value: sample.afterAdmissionMs });
        flexFinish.invalidate(key);
      }
    },
  };
}

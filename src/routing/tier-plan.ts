// Decides how a request runs: directly on one tier, or through the flex race with its budget.
import type { ProviderName, RequestedTier } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import { FlexError } from '../errors/catalog.js';
import type { StartWithin } from './start-within.js';
import { MAX_WINDOW_MS } from './start-within.js';
import { MIN_ADMIT_CHANCE, MIN_ATTEMPT_MS, raceAdmitChance } from './flex-retry.js';
import type { FlexOutlook, FlexStats } from './stats.js';

export type TierPlan =
  | {
      kind: 'direct';
      tier: RequestedTier;
      route: 'direct' | 'flex_skipped_predicted_miss';
      windowMs?: number;
      /**
       * Set when one whole (non-streamed) upstream answer serves as well as a stream: the caller
       * wants one answer, and the attempt's start teaches nothing (a standard attempt of a model
       * without flex). The learned high percentile of its standard finish times (see wholeAnswer).
       */
      wholeWithinMs?: number;
    }
  | {
      kind: 'race';
      windowMs: number;
      flexBudgetMs: number;
      reserveMs: number;
      probe: boolean;
      /**
       * `while-likely` (FlexInference): a refusal is retried while the budget still has room for a
       * likely admission. `until-deadline` (the hosted original, and the benchmark's oracle): every
       * refusal or error is retried until the budget is spent.
       */
      retry: 'while-likely' | 'until-deadline';
    };

export interface PlanInput {
  model: string;
  provider: ProviderName;
  startWithin: StartWithin;
  /** A non-streamed caller's first byte is the whole answer, so its race reserves time to finish. */
  stream: boolean;
  /** The caller's limit on output tokens, if any: finish times are learned per limit bucket. */
  outputLimit?: number;
}

/**
 * - `deadline-aware` (FlexInference): flex gets the window minus the standard reserve (for a
 *   non-streamed caller, the time to finish); predicted misses skip flex, with a small probing share.
 * - `wait-full-window` (the hosted original): flex gets the whole window, then standard starts.
 * - `flex-unbounded` (benchmark oracle measurement only): flex gets the longest window allowed and
 *   refusals are retried, so the earliest time flex could have started is observed.
 */
export type RoutingPolicy = 'deadline-aware' | 'wait-full-window' | 'flex-unbounded';

export interface PlanDeps {
  policy?: RoutingPolicy;
  catalog: ModelCatalog;
  stats: FlexStats;
  /** Uniform [0,1) source, injected so probing is testable. */
  random: () => number;
  /** Share of predicted misses still sent to flex so recovery is noticed. */
  probeShare?: number;
  /** Below this chance of admission (refusals retried) flex is skipped. */
  skipBelowProbability?: number;
}

/** Validates the tier choice against model and provider (errors of docs/product.md §3). */
export function checkTierChoice(input: Pick<PlanInput, 'model' | 'provider' | 'startWithin'>, catalog: ModelCatalog): void {
  const { startWithin, provider, model } = input;
  if (startWithin.kind === 'tier') {
    if (startWithin.tier === 'auto' && provider === 'gemini') {
      throw new FlexError('auto_unsupported_for_gemini', { param: 'start_within' });
    }
    return;
  }
  if (provider === 'anthropic') {
    throw new FlexError('flex_unsupported_for_anthropic', { param: 'start_within' });
  }
  const entry = catalog.get(model);
  if (!entry?.flex_capable) {
    throw new FlexError('model_not_flex_capable', {
      param: 'start_within',
      detail: entry
        ? `The model ${JSON.stringify(model)} has no flex tier.`
        : `The model ${JSON.stringify(model)} is not in the catalog, so it has no known flex tier (check the spelling; names match exactly).`,
    });
  }
}

/** Validates the tier choice and plans it. */
export function planTier(input: PlanInput, deps: PlanDeps): TierPlan {
  checkTierChoice(input, deps.catalog);
  const { startWithin, provider, model } = input;
  if (startWithin.kind === 'tier') return { kind: 'direct', tier: startWithin.tier, route: 'direct', ...wholeAnswer(input, deps) };
  const key = { provider, model };
  const windowMs = startWithin.windowMs;
  if (deps.policy === 'wait-full-window') {
    return { kind: 'race', windowMs, flexBudgetMs: windowMs, reserveMs: 0, probe: false, retry: 'until-deadline' };
  }
  if (deps.policy === 'flex-unbounded') {
    return { kind: 'race', windowMs, flexBudgetMs: MAX_WINDOW_MS, reserveMs: 0, probe: false, retry: 'until-deadline' };
  }
  const outlook = deps.stats.flexOutlook(key);
  const { reserveMs, probeReserveMs } = reserves(input, windowMs, deps.stats, outlook);
  const flexBudgetMs = windowMs - reserveMs;
  const chance = outlook && raceAdmitChance(outlook, flexBudgetMs);
  const predictedMiss = flexBudgetMs < MIN_ATTEMPT_MS || (chance !== undefined && chance < (deps.skipBelowProbability ?? MIN_ADMIT_CHANCE));
  if (!predictedMiss) return { kind: 'race', windowMs, flexBudgetMs, reserveMs, probe: false, retry: 'while-likely' };
  // A small share still races so that recovery is seen without waiting for old samples to age out,
  // including windows where flex generation alone seemed too slow: that probe keeps the time
  // standard needs, and its admission (if any) teaches the generation time afresh.
  if (windowMs - probeReserveMs >= MIN_ATTEMPT_MS && deps.random() < (deps.probeShare ?? 0.05)) {
    return { kind: 'race', windowMs, flexBudgetMs: windowMs - probeReserveMs, reserveMs: probeReserveMs, probe: true, retry: 'while-likely' };
  }
  return { kind: 'direct', tier: 'standard', route: 'flex_skipped_predicted_miss', windowMs };
}

/**
 * Share of races allowed to miss the deadline because flex was not admitted and the standard
 * fallback then finished after the window: the one in a thousand the deadline promise allows.
 */
export const LATE_FALLBACK_SHARE = 0.001;
/** The same allowance for a probe (a small share of predicted misses), so probes stay rare misses. */
const LATE_PROBE_FALLBACK_SHARE = 0.01;
/**
 * The least a race keeps back, however fast standard has been: the gateway's own scheduling and
 * the fallback's connection, so an upstream that always answered in milliseconds (a nearby one, or
 * a cache) does not leave the deadline to event-loop jitter.
 */
export const MIN_RESERVE_MS = 250;

/**
 * Whether a direct attempt may ask for the whole answer at once. Only for a non-streamed caller on
 * standard, only for a model without flex (a standard start of a flex model is the race's reserve,
 * and only a stream shows it), and only once its finish times are learned: a whole answer sends
 * nothing before it is complete, so the provider weighs that time against its timeouts.
 */
function wholeAnswer(input: PlanInput, deps: PlanDeps): { wholeWithinMs?: number } {
  if (input.stream || input.startWithin.kind !== 'tier' || input.startWithin.tier !== 'standard') return {};
  if (deps.catalog.get(input.model)?.flex_capable === true) return {};
  const finishMs = deps.stats.learnedStandardFinishMs({ provider: input.provider, model: input.model }, input.outputLimit);
  return finishMs === undefined ? {} : { wholeWithinMs: finishMs };
}

/**
 * What the race keeps back from the window. A streamed caller: standard's start. A non-streamed
 * caller's first byte is the whole answer, so a race is late in two ways: flex is not admitted and
 * the standard fallback finishes after the window, or flex is admitted late and its generation runs
 * past the window. The reserve is the shortest one that keeps both together within
 * LATE_FALLBACK_SHARE of races, each weighed by how often it happens: a fallback only when flex is
 * not admitted (so where flex is usually admitted a fallback may take a lower quantile of standard's
 * finish, and where it rarely is, as in a congested queue, the reserve grows to the whole window
 * and flex is skipped), a late flex finish only as often as admissions come that late. Before flex
 * admissions are known, standard's finish and flex's generation are each kept at their p99.9. A
 * probe keeps its late fallbacks within 1 % and leaves the flex part out. When even standard
 * usually finishes after the window, no tier can keep that deadline, and the start is the promise
 * kept.
 */
function reserves(input: PlanInput, windowMs: number, stats: FlexStats, outlook: FlexOutlook | undefined): { reserveMs: number; probeReserveMs: number } {
  const key = { provider: input.provider, model: input.model };
  let reserveMs = stats.standardReserveMs(key);
  let probeReserveMs = reserveMs;
  if (!input.stream) {
    const finish = stats.finishReserveMs(key, input.outputLimit);
    const longerThan = finish.standardLongerThan;
    if (finish.standardMs <= windowMs || longerThan(windowMs) <= 0.5) {
      const startMs = reserveMs;
      const lateFallback = (share: number, admitted: (budgetMs: number) => number, lateFlex: (budgetMs: number) => number): number => {
        const budgetMs = longestBudgetMs(windowMs - startMs, (b) => (1 - admitted(b)) * longerThan(windowMs - b) + lateFlex(b) <= share);
        return budgetMs === undefined ? windowMs : windowMs - budgetMs;
      };
      probeReserveMs = Math.max(startMs, Math.min(finish.standardMs, lateFallback(LATE_PROBE_FALLBACK_SHARE, () => 0, () => 0)));
      // Never more than both p99.9s, the reserve that needs no weighing (the search steps are coarser).
      const ceilingMs = finish.standardMs <= windowMs ? Math.max(finish.standardMs, finish.flexGenerationMs) : Infinity;
      if (outlook) {
        // n attempts all admitted do not show a miss rate below about 3/n (the rule of three), and
        // a fallback is taken as at least as likely as a timeout has recently been, whatever its budget.
        const admitted = (budgetMs: number) => Math.min(raceAdmitChance(outlook, budgetMs), 1 - 3 / outlook.attempts, 1 - outlook.timedOut);
        const lateFlex = lateFlexShare(outlook, windowMs, windowMs - startMs, finish.flexGenerationLongerThan);
        reserveMs = Math.min(lateFallback(LATE_FALLBACK_SHARE, admitted, lateFlex), ceilingMs);
      } else {
        reserveMs = Math.min(Math.max(lateFallback(LATE_FALLBACK_SHARE, () => 0, () => 0), finish.flexGenerationMs), ceilingMs);
      }
    }
  }
  const kept = (ms: number): number => Math.min(Math.max(ms, MIN_RESERVE_MS), windowMs);
  return { reserveMs: kept(reserveMs), probeReserveMs: kept(probeReserveMs) };
}

/**
 * The share of races, by flex budget, in which flex is admitted within the budget yet finishes after
 * the window: admitted at t (read from recent attempts) with a generation longer than W − t.
 * Computed once on a grid of 1/50 of `maxBudgetMs` (at least 50 ms); an admission is counted at the
 * end of its grid step, the later time, so the share leans high.
 */
function lateFlexShare(outlook: FlexOutlook, windowMs: number, maxBudgetMs: number, generationLongerThan: (ms: number) => number): (budgetMs: number) => number {
  const step = Math.max(50, maxBudgetMs / 50);
  const cumulative = [0];
  let admittedBefore = 0;
  for (let t = step; t < maxBudgetMs + step; t += step) {
    const admitted = outlook.admittedWithin(t);
    cumulative.push(cumulative[cumulative.length - 1]! + Math.max(0, admitted - admittedBefore) * generationLongerThan(windowMs - t));
    admittedBefore = admitted;
  }
  return (budgetMs) => cumulative[Math.min(cumulative.length - 1, Math.max(0, Math.ceil(budgetMs / step)))]!;
}

/** The longest flex budget up to `maxMs`, in steps of 1/50 of it (at least 50 ms), that `fits`. */
function longestBudgetMs(maxMs: number, fits: (budgetMs: number) => boolean): number | undefined {
  const step = Math.max(50, maxMs / 50);
  for (let b = maxMs; b >= MIN_ATTEMPT_MS; b -= step) if (fits(b)) return Math.floor(b);
  return undefined;
}

// Decides how a request runs: directly on one tier, or through the flex race with its budget.
import type { ProviderName, RequestedTier } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import { FlexError } from '../errors/catalog.js';
import type { StartWithin } from './start-within.js';
import { MAX_WINDOW_MS } from './start-within.js';
import { MIN_ADMIT_CHANCE, MIN_ATTEMPT_MS, raceAdmitChance } from './flex-retry.js';
import type { FlexStats } from './stats.js';

export type Route =
  | 'direct'
  | 'flex_admitted'
  | 'flex_timeout'
  | 'flex_unavailable'
  | 'flex_error'
  | 'flex_skipped_predicted_miss'
  | 'flex_failed_after_admission';

export type TierPlan =
  | { kind: 'direct'; tier: RequestedTier; route: 'direct' | 'flex_skipped_predicted_miss'; windowMs?: number }
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
  if (startWithin.kind === 'tier') return { kind: 'direct', tier: startWithin.tier, route: 'direct' };
  const key = { provider, model };
  const windowMs = startWithin.windowMs;
  if (deps.policy === 'wait-full-window') {
    return { kind: 'race', windowMs, flexBudgetMs: windowMs, reserveMs: 0, probe: false, retry: 'until-deadline' };
  }
  if (deps.policy === 'flex-unbounded') {
    return { kind: 'race', windowMs, flexBudgetMs: MAX_WINDOW_MS, reserveMs: 0, probe: false, retry: 'until-deadline' };
  }
  const { reserveMs, probeReserveMs } = reserves(input, windowMs, deps.stats);
  const flexBudgetMs = windowMs - reserveMs;
  const outlook = deps.stats.flexOutlook(key);
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
 * What the race keeps back from the window. A streamed caller: standard's start. A non-streamed
 * caller's first byte is the whole answer: a fallback must have time to finish on standard, and a
 * late flex admission time to finish on flex (the probe reserve leaves that last part out). When
 * even standard usually finishes after the window, no tier can keep that deadline, and the start
 * is the promise kept.
 */
function reserves(input: PlanInput, windowMs: number, stats: FlexStats): { reserveMs: number; probeReserveMs: number } {
  const key = { provider: input.provider, model: input.model };
  let reserveMs = stats.standardReserveMs(key);
  let probeReserveMs = reserveMs;
  if (!input.stream) {
    const finish = stats.finishReserveMs(key, input.outputLimit);
    if (finish.standardMs <= windowMs) {
      probeReserveMs = Math.max(reserveMs, finish.standardMs);
      reserveMs = Math.max(probeReserveMs, finish.flexGenerationMs);
    }
  }
  return { reserveMs: Math.min(reserveMs, windowMs), probeReserveMs: Math.min(probeReserveMs, windowMs) };
}

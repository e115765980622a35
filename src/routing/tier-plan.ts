// Decides how a request runs: directly on one tier, or through the flex race with its budget.
import type { ProviderName, RequestedTier } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import { FlexError } from '../errors/catalog.js';
import type { StartWithin } from './start-within.js';
import { MAX_WINDOW_MS } from './start-within.js';
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
      /** The hosted original's behaviour: refusals are retried on flex until the budget is spent. */
      retryUntilDeadline?: boolean;
    };

export interface PlanInput {
  model: string;
  provider: ProviderName;
  startWithin: StartWithin;
  /** A non-streamed caller's first byte is the whole answer, so its race reserves time to finish. */
  stream: boolean;
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
  /** Below this admit probability flex is skipped. */
  skipBelowProbability?: number;
  /** A flex budget shorter than this is not worth trying. */
  minFlexBudgetMs?: number;
}

/** Validates the tier choice against model and provider (errors of docs/product.md §3) and plans it. */
export function planTier(input: PlanInput, deps: PlanDeps): TierPlan {
  const { startWithin, provider, model } = input;
  if (startWithin.kind === 'tier') {
    if (startWithin.tier === 'auto' && provider === 'gemini') {
      throw new FlexError('auto_unsupported_for_gemini', { param: 'start_within' });
    }
    return { kind: 'direct', tier: startWithin.tier, route: 'direct' };
  }
  if (provider === 'anthropic') {
    throw new FlexError('flex_unsupported_for_anthropic', { param: 'start_within' });
  }
  const entry = deps.catalog.get(model);
  if (!entry?.flex_capable) {
    throw new FlexError('model_not_flex_capable', {
      param: 'start_within',
      detail: entry
        ? `The model ${JSON.stringify(model)} has no flex tier.`
        : `The model ${JSON.stringify(model)} is not in the catalog, so it has no known flex tier (check the spelling; names match exactly).`,
    });
  }
  const key = { provider, model };
  const windowMs = startWithin.windowMs;
  if (deps.policy === 'wait-full-window') {
    return { kind: 'race', windowMs, flexBudgetMs: windowMs, reserveMs: 0, probe: false, retryUntilDeadline: true };
  }
  if (deps.policy === 'flex-unbounded') {
    return { kind: 'race', windowMs, flexBudgetMs: MAX_WINDOW_MS, reserveMs: 0, probe: false, retryUntilDeadline: true };
  }
  let reserveMs = deps.stats.standardReserveMs(key);
  if (!input.stream) {
    // A non-streamed caller's first byte is the whole answer: a fallback must have time to finish
    // on standard, and a late flex admission time to finish on flex (when flex generation alone
    // cannot fit, the budget runs out and flex is skipped). When even standard usually finishes
    // after the window, no tier can keep that deadline, and the start is the promise kept.
    const finish = deps.stats.finishReserveMs(key);
    if (finish.standardMs <= windowMs) reserveMs = Math.max(reserveMs, finish.standardMs, finish.flexGenerationMs);
  }
  reserveMs = Math.min(reserveMs, windowMs);
  const flexBudgetMs = windowMs - reserveMs;
  const probability = deps.stats.flexAdmitProbability(key, flexBudgetMs);
  const predictedMiss =
    flexBudgetMs < (deps.minFlexBudgetMs ?? 250) ||
    (probability !== undefined && probability < (deps.skipBelowProbability ?? 0.2));
  if (!predictedMiss) return { kind: 'race', windowMs, flexBudgetMs, reserveMs, probe: false };
  if (flexBudgetMs > 0 && deps.random() < (deps.probeShare ?? 0.05)) {
    return { kind: 'race', windowMs, flexBudgetMs, reserveMs, probe: true };
  }
  return { kind: 'direct', tier: 'standard', route: 'flex_skipped_predicted_miss', windowMs };
}

// Capacity refusals retried inside the flex budget (docs/product.md §4, step 4): the wait before
// the next attempt, whether one is still worth it, and the chance that a race — refusals retried —
// is admitted within its budget. The planner and the race share these so they agree.
import type { FlexOutlook } from './stats.js';

/** A flex attempt with less time than this is not worth opening. */
export const MIN_ATTEMPT_MS = 250;

/** Below this chance of admission flex is skipped (planner) or no longer retried (race). */
export const MIN_ADMIT_CHANCE = 0.1;

/** Retry n (0-based) waits between half and all of min(cap, first · 2ⁿ): short, jittered, growing. */
const BACKOFF_FIRST_MS = 250;
const BACKOFF_CAP_MS = 2_000;

function backoffCeilingMs(retry: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** retry);
}

export function backoffMs(retry: number, random: () => number): number {
  return backoffCeilingMs(retry) * (0.5 + 0.5 * random());
}

/**
 * The wait before retrying a refused attempt: the provider's Retry-After when an attempt still
 * fits after it, otherwise the backoff; undefined when no attempt fits any more, or when recent
 * traffic says one is unlikely to be admitted in the time left (a flex tier refusing everything is
 * left at once).
 */
export function retryWaitMs(args: {
  retry: number;
  retryAfterMs: number | undefined;
  remainingMs: number;
  outlook: FlexOutlook | undefined;
  random: () => number;
}): number | undefined {
  const { retryAfterMs, remainingMs } = args;
  const wait =
    retryAfterMs !== undefined && retryAfterMs <= remainingMs - MIN_ATTEMPT_MS ? retryAfterMs : backoffMs(args.retry, args.random);
  const room = remainingMs - wait;
  if (room < MIN_ATTEMPT_MS) return undefined;
  if (args.outlook && raceAdmitChance(args.outlook, room) < MIN_ADMIT_CHANCE) return undefined;
  return wait;
}

/**
 * Chance that a race with `budgetMs` is admitted when refusals are retried: the first attempt is
 * admitted in time, or it is refused and the next one (after the mean backoff) is, and so on.
 * Attempts are taken as independent, which holds for scattered refusals; when refusals come in
 * spells (an outage), their share rises and retries stop being predicted to help.
 */
export function raceAdmitChance(outlook: FlexOutlook, budgetMs: number): number {
  let chance = 0;
  let allRefused = 1;
  let elapsed = 0;
  for (let retry = 0; retry < 32; retry++) {
    const left = budgetMs - elapsed;
    if (left < MIN_ATTEMPT_MS) break;
    chance += allRefused * outlook.admittedWithin(left);
    allRefused *= outlook.refused;
    if (allRefused < 0.001) break;
    elapsed += 0.75 * backoffCeilingMs(retry);
  }
  return chance;
}

// The flex race (docs/product.md §4): fire flex, wait for the provider's admission marker against
// the budget, retry capacity refusals while the budget still has room, commit or fall back up to
// standard. Provider-agnostic: it only sees canonical events.
import type { CanonicalRequest, CanonicalStreamEvent, RequestedTier, Route, Warning } from '../canonical/types.js';
import type { Clock } from '../clock.js';
import type { Provider, ProviderCall } from '../providers/provider.js';
import { FlexError } from '../errors/catalog.js';
import type { AttemptObserver, TrackedAttempt } from './attempts.js';
import { failedAttempt, trackAttempt } from './attempts.js';
import { retryWaitMs } from './flex-retry.js';
import type { FlexStats, StatsKey } from './stats.js';
import type { TierPlan } from './tier-plan.js';

/** The attempt whose output reaches the caller. */
export interface Committed {
  tier: RequestedTier;
  route: Route;
  /** Replays the events read while deciding, then continues the upstream stream. */
  events: AsyncIterator<CanonicalStreamEvent>;
  /**
   * What converting the request for this attempt's provider and tier changed. Each attempt converts
   * on its own, so these are the serving attempt's, never a lost attempt's as well.
   */
  warnings: readonly Warning[];
  /** Milliseconds from the start of the race to flex admission, when flex was admitted. */
  flexAdmittedAfterMs?: number;
  /** Milliseconds from the start of this attempt to its first event. */
  startedAfterMs: number;
  /** Clock time at which this attempt was opened. */
  openedAt: number;
  /** Clock time at which the serving attempt proved it started (set once its `admitted` passes). */
  admittedAt: number | undefined;
  /** Aborts the upstream attempt when the answer ends on our side before the stream completed. */
  cancel(): void;
}

export interface OpenOptions {
  provider: Provider;
  request: CanonicalRequest;
  apiKey: string;
  plan: TierPlan;
  /** Aborted when the client goes away: aborts every attempt and starts no fallback. */
  clientSignal: AbortSignal;
  clock: Clock;
  stats: FlexStats;
  statsKey: StatsKey;
  /** Told each routing decision as it is taken (before a fallback attempt opens). */
  onRoute?: (route: Route) => void;
  /** Told each upstream attempt's start, admission and end (telemetry). */
  observer?: AttemptObserver;
  /** Uniform [0,1) source for the retry jitter (Math.random unless injected). */
  random?: () => number;
}

/** Raised inside the race when the flex budget runs out. */
export class FlexDeadline extends Error {
  constructor() {
    super('flex budget exhausted');
    this.name = 'FlexDeadline';
  }
}

/** A caller error fails on every tier (400 invalid request …): return it, do not retry. */
export function isCallerError(err: unknown): boolean {
  if (!(err instanceof FlexError) || !err.upstream) return false;
  const s = err.status;
  return s >= 400 && s < 500 && s !== 408 && s !== 409 && s !== 429;
}

/** Capacity refusals: 429 and 503 (OpenAI flex `resource_unavailable`, Gemini flex 503/429). */
function isCapacityRefusal(err: unknown): err is FlexError {
  return err instanceof FlexError && (err.status === 429 || err.status === 503);
}

/**
 * Replays the events read while deciding, then continues the upstream stream. A plain iterator,
 * not a generator: each event costs one promise hop on the hot path, not a generator's several.
 * `onAdmitted` notes a direct attempt's real start (for the reserve); the attempt's completion or
 * failure is reported to `tracked` (a stop on our side is reported by `cancel`).
 */
function replay(
  buffered: CanonicalStreamEvent[],
  rest: AsyncIterator<CanonicalStreamEvent>,
  tracked: TrackedAttempt,
  clientSignal: AbortSignal,
  onAdmitted?: () => void,
): AsyncIterator<CanonicalStreamEvent> {
  let replayed = 0;
  const seen = (r: IteratorResult<CanonicalStreamEvent>): IteratorResult<CanonicalStreamEvent> => {
    if (r.done === true) return r;
    const event = r.value;
    if (event.type === 'admitted') onAdmitted?.();
    else if (event.type === 'response.completed') tracked.end({ outcome: 'completed', usage: event.response.usage, responseModel: event.response.model });
    return r;
  };
  const failed = (err: unknown): never => {
    tracked.end(failedAttempt(err, clientSignal));
    throw err;
  };
  return {
    next() {
      const event = buffered[replayed++];
      return event === undefined ? rest.next().then(seen, failed) : Promise.resolve(seen({ done: false, value: event }));
    },
  };
}

function cancelAttempt(ctl: AbortController, unlink: () => void): void {
  unlink();
  if (!ctl.signal.aborted) ctl.abort(new Error('attempt cancelled'));
}

function linkedController(parent: AbortSignal): { ctl: AbortController; unlink: () => void } {
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort(parent.reason);
  if (parent.aborted) ctl.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return { ctl, unlink: () => parent.removeEventListener('abort', onAbort) };
}

interface AttemptStream {
  it: AsyncIterator<CanonicalStreamEvent>;
  warnings: readonly Warning[];
}

function iterate(options: OpenOptions, tier: RequestedTier, signal: AbortSignal, tracked: TrackedAttempt, wholeWithinMs?: number): AttemptStream {
  const call: ProviderCall = { request: options.request, tier, apiKey: options.apiKey, signal };
  if (wholeWithinMs !== undefined) call.wholeWithinMs = wholeWithinMs;
  const stream = options.provider.stream(tracked.headers ? { ...call, headers: tracked.headers } : call);
  return { it: stream[Symbol.asyncIterator](), warnings: stream.warnings };
}

/**
 * Opens an attempt on one tier and reads its first event, so HTTP errors surface before anything is
 * written to the caller. With `wholeWithinMs` (a direct plan's, see TierPlan) the provider may ask
 * for the whole answer at once; its start is then not seen, and the plan allows that only where the
 * start teaches nothing, so none is recorded.
 */
export async function openDirect(options: OpenOptions, tier: RequestedTier, route: Route, wholeWithinMs?: number): Promise<Committed> {
  const started = options.clock.now();
  const { ctl, unlink } = linkedController(options.clientSignal);
  const tracked = trackAttempt(options.observer, tier);
  const { it, warnings } = iterate(options, tier, ctl.signal, tracked, wholeWithinMs);
  let first: IteratorResult<CanonicalStreamEvent>;
  try {
    first = await it.next();
  } catch (err) {
    tracked.end(failedAttempt(err, options.clientSignal));
    throw err;
  }
  const startedAfterMs = options.clock.now() - started;
  const buffered = first.done ? [] : [first.value];
  const onAdmitted = (): void => {
    committed.admittedAt = options.clock.now();
    tracked.admitted();
    if (tier === 'standard' && wholeWithinMs === undefined) options.stats.recordStandardStart(options.statsKey, committed.admittedAt - started);
  };
  const committed: Committed = {
    tier,
    route,
    events: replay(buffered, it, tracked, options.clientSignal, onAdmitted),
    warnings,
    startedAfterMs,
    openedAt: started,
    admittedAt: undefined,
    cancel: () => {
      tracked.end({ outcome: 'cancelled' });
      cancelAttempt(ctl, unlink);
    },
  };
  return committed;
}

/** Runs the plan: a direct attempt, or the flex race with fallback to standard. */
export async function openCommitted(options: OpenOptions): Promise<Committed> {
  const { plan, clock } = options;
  if (plan.kind === 'direct') return openDirect(options, plan.tier, plan.route, plan.wholeWithinMs);
  const deadline = clock.now() + plan.flexBudgetMs;
  for (let retry = 0; ; retry++) {
    const outcome = await raceFlex(options, deadline - clock.now());
    if (outcome.kind === 'committed') return outcome.committed;
    if (plan.retry === 'until-deadline') {
      options.onRoute?.(outcome.route);
      if (outcome.route === 'flex_timeout') return openDirect(options, 'standard', outcome.route);
      await pause(options, Math.min(ORIGINAL_RETRY_MS, deadline - clock.now()));
      if (clock.now() >= deadline) {
        options.onRoute?.('flex_timeout');
        return openDirect(options, 'standard', 'flex_timeout');
      }
      continue;
    }
    const wait =
      outcome.route === 'flex_unavailable'
        ? retryWaitMs({
            retry,
            retryAfterMs: outcome.retryAfterMs,
            remainingMs: deadline - clock.now(),
            outlook: options.stats.flexOutlook(options.statsKey),
            random: options.random ?? Math.random,
          })
        : undefined;
    if (wait === undefined) {
      options.onRoute?.(outcome.route);
      return openDirect(options, 'standard', outcome.route);
    }
    await pause(options, wait);
  }
}

/** The hosted original's fixed wait between refused flex attempts. */
const ORIGINAL_RETRY_MS = 1_000;

/** Waits on the injected clock; a client disconnect ends the wait with the disconnect. */
function pause({ clock, clientSignal }: OpenOptions, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (clientSignal.aborted) return reject(clientSignal.reason as Error);
    const onAbort = (): void => {
      cancel();
      reject(clientSignal.reason as Error);
    };
    const cancel = clock.setTimer(Math.max(0, ms), () => {
      clientSignal.removeEventListener('abort', onAbort);
      resolve();
    });
    clientSignal.addEventListener('abort', onAbort, { once: true });
  });
}

type RaceOutcome =
  | { kind: 'committed'; committed: Committed }
  | { kind: 'fallback'; route: Route; retryAfterMs?: number | undefined };

async function raceFlex(options: OpenOptions, budgetMs: number): Promise<RaceOutcome> {
  const { clock, stats, statsKey } = options;
  const started = clock.now();
  const { ctl, unlink } = linkedController(options.clientSignal);
  let timedOut = false;
  const cancelTimer = clock.setTimer(budgetMs, () => {
    timedOut = true;
    ctl.abort(new FlexDeadline());
  });
  const tracked = trackAttempt(options.observer, 'flex');
  const { it, warnings } = iterate(options, 'flex', ctl.signal, tracked);
  const buffered: CanonicalStreamEvent[] = [];
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) throw new FlexError('upstream_error', { status: 502, detail: 'The flex stream ended before it started.' });
      buffered.push(r.value);
      if (r.value.type !== 'admitted') continue;
      cancelTimer();
      const afterMs = clock.now() - started;
      stats.recordFlex(statsKey, { kind: 'admitted', afterMs });
      tracked.admitted();
      // The client link stays: a disconnect after commit must still abort the upstream.
      const committed: Committed = {
        tier: 'flex',
        route: 'flex_admitted',
        events: replay(buffered, it, tracked, options.clientSignal),
        warnings,
        flexAdmittedAfterMs: afterMs,
        startedAfterMs: afterMs,
        openedAt: started,
        admittedAt: clock.now(),
        cancel: () => {
          tracked.end({ outcome: 'cancelled' });
          cancelAttempt(ctl, unlink);
        },
      };
      return { kind: 'committed', committed };
    }
  } catch (err) {
    cancelTimer();
    unlink();
    if (!ctl.signal.aborted) ctl.abort(err);
    void it.return?.().catch(() => undefined);
    tracked.end(timedOut && !options.clientSignal.aborted ? { outcome: 'timeout' } : failedAttempt(err, options.clientSignal));
    if (options.clientSignal.aborted) throw options.clientSignal.reason;
    if (timedOut) {
      stats.recordFlex(statsKey, { kind: 'timeout', budgetMs });
      return { kind: 'fallback', route: 'flex_timeout' };
    }
    if (isCallerError(err)) throw err;
    if (isCapacityRefusal(err)) {
      stats.recordFlex(statsKey, { kind: 'refused' });
      return { kind: 'fallback', route: 'flex_unavailable', retryAfterMs: err.upstream?.retryAfterMs };
    }
    stats.recordFlex(statsKey, { kind: 'error' });
    return { kind: 'fallback', route: 'flex_error' };
  }
}

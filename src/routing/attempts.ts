// What the plan tells an observer about each upstream attempt it opens (flex, standard, retries):
// when it starts, when the provider admits it, and how it ends. Telemetry (spans, metrics) listens;
// routing knows nothing of what is done with it.
import type { RequestedTier, Usage } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';

/**
 * How an attempt ended: `completed` (its stream ended normally), `timeout` (the flex budget ran
 * out before admission), `refused` (capacity 429/503), `caller_error` (a 4xx that fails on every
 * tier), `error` (anything else upstream: HTTP, stream, ended early, silence), `cancelled` (the
 * gateway stopped it: a lost race, an answer ended on our side), `client_disconnected`.
 */
export type AttemptOutcome = 'completed' | 'timeout' | 'refused' | 'caller_error' | 'error' | 'cancelled' | 'client_disconnected';

export interface AttemptEnd {
  outcome: AttemptOutcome;
  /** The FlexError code (or the error's name) of a failed attempt. */
  errorCode?: string;
  /** Upstream HTTP status of a failed attempt, when there was one. */
  status?: number;
  /** The final usage and the model the provider reported, on a completed attempt. */
  usage?: Usage;
  responseModel?: string;
}

/** One attempt's listener. Calls after the first `ended` are ignored by the plan. */
export interface AttemptTracker {
  /** Extra request headers for this attempt's upstream call (W3C `traceparent`), if any. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  admitted(): void;
  ended(end: AttemptEnd): void;
}

export interface AttemptObserver {
  started(tier: RequestedTier): AttemptTracker;
}

/** An attempt whose end is reported once, however many paths reach it. */
export interface TrackedAttempt {
  readonly headers: Readonly<Record<string, string>> | undefined;
  admitted(): void;
  end(end: AttemptEnd): void;
}

const UNTRACKED: TrackedAttempt = { headers: undefined, admitted: () => undefined, end: () => undefined };

export function trackAttempt(observer: AttemptObserver | undefined, tier: RequestedTier): TrackedAttempt {
  if (!observer) return UNTRACKED;
  const tracker = observer.started(tier);
  let done = false;
  return {
    headers: tracker.headers,
    admitted: () => {
      if (!done) tracker.admitted();
    },
    end: (end) => {
      if (done) return;
      done = true;
      tracker.ended(end);
    },
  };
}

/** The end of an attempt that failed with `err`. */
export function failedAttempt(err: unknown, clientSignal: AbortSignal): AttemptEnd {
  if (clientSignal.aborted && !(clientSignal.reason instanceof FlexError)) return { outcome: 'client_disconnected' };
  if (!(err instanceof FlexError)) return { outcome: 'error', errorCode: err instanceof Error ? err.name : 'error' };
  const status = err.upstream ? err.status : undefined;
  const base = { errorCode: err.code, ...(status !== undefined ? { status } : {}) };
  if (err.status === 429 || err.status === 503) return { outcome: 'refused', ...base };
  if (err.upstream && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 409) return { outcome: 'caller_error', ...base };
  return { outcome: 'error', ...base };
}

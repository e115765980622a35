// What one request leaves behind, filled in as it runs: the server shell sets who and what, the
// generation handler adds its closed ledger row. The access log line, the request's span and the
// metrics are all made from this one record when the request ends, so they never disagree.
import type { ProviderName, SurfaceName, Warning } from '../canonical/types.js';
import type { UsageRow } from '../store/store.js';
import type { RequestSpan } from './tracing.js';

export interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  /** The path label: a known route's path, or `other` (callers must not grow label sets). */
  readonly path: string;
  /** Clock time at which the request arrived. */
  readonly startedAt: number;
  surface: SurfaceName | undefined;
  orgId: string | undefined;
  keyId: string | undefined;
  provider: ProviderName | undefined;
  model: string | undefined;
  startWithin: string | undefined;
  /** The code of the error answered, when the request failed before its ledger row closed. */
  errorCode: string | undefined;
  /** What was changed to fit a generation request (its `x-flexinference-warnings`). */
  warnings: readonly Warning[] | undefined;
  /** The closed ledger row of a generation request that passed its checks. */
  row: UsageRow | undefined;
  /** The request's server span; undefined when tracing is off. */
  readonly span: RequestSpan | undefined;
}

/** How the HTTP exchange ended, as the shell saw it. */
export interface RequestEnd {
  /** The status sent, or 499 when the client left before any was sent. */
  status: number;
  durationMs: number;
}

// The per-request side of telemetry: a record opened when a request arrives, an observer for its
// upstream attempts, and at its end one access-log line, its span closed and its metrics counted.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ProviderName } from '../canonical/types.js';
import type { AttemptObserver } from '../routing/attempts.js';
import { writeAccessLine } from './access-log.js';
import type { Metrics } from './metrics.js';
import type { RequestEnd, RequestRecord } from './record.js';
import type { Tracing } from './tracing.js';

export interface Telemetry {
  readonly metrics: Metrics;
  begin(request: { req: IncomingMessage; requestId: string; path: string; startedAt: number }): RequestRecord;
  /** The observer of one generation's upstream attempts (attempt metrics and spans). */
  attempts(record: RequestRecord, target: { provider: ProviderName; model: string }): AttemptObserver;
  /** Counts a streamed answer as open; the returned function closes it. */
  streamOpened(): () => void;
  /** Streamed answers being written now. */
  openStreams(): number;
  end(record: RequestRecord, end: RequestEnd): void;
}

export interface TelemetryDeps {
  log: Logger;
  metrics: Metrics;
  tracing: Tracing | undefined;
  /** Whether a model name may be a label value (catalogued), else it is counted as `other`. */
  isCatalogued: (model: string) => boolean;
}

export function createTelemetry({ log, metrics, tracing, isCatalogued }: TelemetryDeps): Telemetry {
  let streams = 0;
  return {
    metrics,
    begin({ req, requestId, path, startedAt }) {
      const method = req.method ?? 'GET';
      return {
        requestId,
        method,
        path,
        startedAt,
        surface: undefined,
        orgId: undefined,
        keyId: undefined,
        provider: undefined,
        model: undefined,
        startWithin: undefined,
        errorCode: undefined,
        warnings: undefined,
        row: undefined,
        span: tracing?.startRequest({ method, path, headers: req.headers, requestId }),
      };
    },
    attempts(record, { provider, model }) {
      const label = isCatalogued(model) ? model : 'other';
      const span = record.span;
      return {
        started(tier) {
          const attempt = span?.startAttempt({ provider, model, tier });
          return {
            headers: attempt?.headers,
            admitted: () => attempt?.admitted(),
            ended(end) {
              metrics.observeAttempt({ provider, model: label, tier, outcome: end.outcome });
              attempt?.end(end);
            },
          };
        },
      };
    },
    streamOpened() {
      streams++;
      let open = true;
      return () => {
        if (open) streams--;
        open = false;
      };
    },
    openStreams: () => streams,
    end(record, end) {
      metrics.observe(record.surface ?? record.path, end.status, end.durationMs);
      if (record.row) metrics.observeRequest(record.row, isCatalogued(record.row.model));
      record.span?.end(record, end);
      writeAccessLine(log, record, end);
    },
  };
}

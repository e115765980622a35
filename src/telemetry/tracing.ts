// OpenTelemetry tracing, on only when an OTLP endpoint is configured (the standard OTEL_*
// variables). When it is off nothing here is loaded and requests carry no span: no cost.
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderName, RequestedTier } from '../canonical/types.js';
import type { AttemptEnd } from '../routing/attempts.js';
import { VERSION } from '../version.js';
import type { RequestEnd, RequestRecord } from './record.js';

export interface Tracing {
  /** The server span of one request, a child of the caller's W3C `traceparent` when it sent one. */
  startRequest(request: { method: string; path: string; headers: IncomingHttpHeaders; requestId: string }): RequestSpan;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface RequestSpan {
  /** A child span for one upstream attempt. */
  startAttempt(attempt: { provider: ProviderName; model: string; tier: RequestedTier }): AttemptSpan;
  end(record: RequestRecord, end: RequestEnd): void;
}

export interface AttemptSpan {
  /** `traceparent` (and `tracestate`) naming this attempt's span, for the upstream request. */
  readonly headers: Readonly<Record<string, string>>;
  admitted(): void;
  end(end: AttemptEnd): void;
}

type Env = Record<string, string | undefined>;

/** True when the environment asks for traces: an OTLP endpoint, and the SDK not turned off. */
export function tracingRequested(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Loads the OpenTelemetry SDK (only now) when the environment asks for traces. */
export async function loadTracing(env: Env): Promise<Tracing | undefined> {
  if (!tracingRequested(env)) return undefined;
  const { createOtelTracing } = await import('./otel.js');
  return createOtelTracing(env, VERSION);
}

// The OpenTelemetry SDK behind `Tracing`, loaded only when traces are configured. Spans follow the
// HTTP server and GenAI client semantic conventions (the GenAI names as published with
// @opentelemetry/semantic-conventions 1.45, https://opentelemetry.io/docs/specs/semconv/gen-ai/),
// plus `flexinference.*` for what only this gateway knows: the route, the served tier, the
// requested `start_within`, and how each upstream attempt of the flex race ended.
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ProviderName } from '../canonical/types.js';
import type { AttemptEnd } from '../routing/attempts.js';
import { warningEntry } from '../usage/warnings.js';
import type { RequestEnd, RequestRecord } from './record.js';
import type { AttemptSpan, RequestSpan, Tracing } from './tracing.js';

type Env = Record<string, string | undefined>;

/** `gen_ai.provider.name` well-known values. */
const GENAI_PROVIDER: Record<ProviderName, string> = { openai: 'openai', gemini: 'gcp.gemini', anthropic: 'anthropic' };
/** `gen_ai.operation.name`: Gemini's is content generation, the others' chat. */
const GENAI_OPERATION: Record<ProviderName, string> = { openai: 'chat', gemini: 'generate_content', anthropic: 'chat' };

const FAILED_OUTCOMES = new Set<AttemptEnd['outcome']>(['timeout', 'refused', 'caller_error', 'error']);

/** The OTLP/HTTP traces URL: the signal's own endpoint as given, or the base endpoint + /v1/traces. */
export function tracesUrl(env: Env): string {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (own) return own;
  return `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim().replace(/\/+$/, '')}/v1/traces`;
}

function createExporter(env: Env): JsonExporter | ProtobufExporter {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
  const url = tracesUrl(env);
  if (protocol === 'http/protobuf') return new ProtobufExporter({ url });
  if (protocol === 'http/json') return new JsonExporter({ url });
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json for traces (got ${JSON.stringify(protocol)}); gRPC export is not included`);
}

export function createOtelTracing(env: Env, serviceVersion: string): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'flexinference', 'service.version': serviceVersion }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(createExporter(env))] });
  const tracer = provider.getTracer('flexinference', serviceVersion);
  const propagator = new W3CTraceContextPropagator();
  return {
    startRequest({ method, path, headers, requestId }) {
      const parent = headers.traceparent ? propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : ROOT_CONTEXT;
      const span = tracer.startSpan(
        path === 'other' ? method : `${method} ${path}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': method, 'url.path': path, 'flexinference.request_id': requestId, ...(path === 'other' ? {} : { 'http.route': path }) },
        },
        parent,
      );
      return requestSpan(tracer, propagator, span);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function requestSpan(tracer: Tracer, propagator: W3CTraceContextPropagator, span: Span): RequestSpan {
  const context: Context = trace.setSpan(ROOT_CONTEXT, span);
  let responseModel: string | undefined;
  return {
    startAttempt({ provider, model, tier }) {
      const operation = GENAI_OPERATION[provider];
      const child = tracer.startSpan(
        `${operation} ${model}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': operation,
            'gen_ai.provider.name': GENAI_PROVIDER[provider],
            'gen_ai.request.model': model,
            'gen_ai.request.stream': true, // every upstream attempt streams, so its start is seen
            'flexinference.tier': tier,
          },
        },
        context,
      );
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, child), headers, defaultTextMapSetter);
      return attemptSpan(child, headers, (model) => (responseModel = model));
    },
    end(record, end) {
      span.setAttributes(requestAttributes(record, end, responseModel));
      if (end.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: record.row?.errorCode ?? record.errorCode ?? `HTTP ${end.status}` });
      span.end();
    },
  };
}

function attemptSpan(span: Span, headers: Record<string, string>, onResponseModel: (model: string) => void): AttemptSpan {
  return {
    headers,
    admitted() {
      span.setAttribute('flexinference.attempt.admitted', true);
      span.addEvent('admitted');
    },
    end(end) {
      const attributes: Attributes = { 'flexinference.attempt.outcome': end.outcome };
      if (end.errorCode !== undefined) attributes['error.type'] = end.errorCode;
      if (end.status !== undefined) attributes['http.response.status_code'] = end.status;
      if (end.responseModel !== undefined) {
        attributes['gen_ai.response.model'] = end.responseModel;
        onResponseModel(end.responseModel);
      }
      if (end.usage) {
        attributes['gen_ai.usage.input_tokens'] = end.usage.inputTokens;
        attributes['gen_ai.usage.output_tokens'] = end.usage.outputTokens;
        attributes['gen_ai.usage.cache_read.input_tokens'] = end.usage.cachedTokens;
        attributes['gen_ai.usage.reasoning.output_tokens'] = end.usage.reasoningTokens;
      }
      span.setAttributes(attributes);
      if (FAILED_OUTCOMES.has(end.outcome)) {
        attributes['error.type'] ??= end.outcome;
        span.setAttribute('error.type', attributes['error.type']);
        span.setStatus({ code: SpanStatusCode.ERROR, message: end.outcome });
      }
      span.end();
    },
  };
}

function requestAttributes(record: RequestRecord, end: RequestEnd, responseModel: string | undefined): Attributes {
  const attributes: Attributes = { 'http.response.status_code': end.status };
  const errorCode = record.row?.errorCode ?? record.errorCode;
  if (errorCode) attributes['error.type'] = errorCode;
  if (record.orgId) attributes['flexinference.organization_id'] = record.orgId;
  if (record.surface) attributes['flexinference.surface'] = record.surface;
  if (record.startWithin !== undefined) attributes['flexinference.start_within'] = record.startWithin;
  if (record.provider && record.model) {
    attributes['gen_ai.operation.name'] = GENAI_OPERATION[record.provider];
    attributes['gen_ai.provider.name'] = GENAI_PROVIDER[record.provider];
    attributes['gen_ai.request.model'] = record.model;
  }
  if (responseModel !== undefined) attributes['gen_ai.response.model'] = responseModel;
  const row = record.row;
  if (row) {
    attributes['flexinference.route'] = row.route;
    if (row.servedTier) attributes['flexinference.served_tier'] = row.servedTier;
    if (row.admissionMs !== null) attributes['flexinference.admission_ms'] = row.admissionMs;
    if (row.firstByteMs !== null) attributes['flexinference.first_byte_ms'] = row.firstByteMs;
    attributes['gen_ai.usage.input_tokens'] = row.inputTokens;
    attributes['gen_ai.usage.output_tokens'] = row.outputTokens;
    attributes['gen_ai.usage.cache_read.input_tokens'] = row.cachedTokens;
    attributes['gen_ai.usage.reasoning.output_tokens'] = row.reasoningTokens;
  }
  // The header's `code:field` entries, one per array element.
  if (record.warnings?.length) attributes['flexinference.warnings'] = record.warnings.map(warningEntry);
  return attributes;
}

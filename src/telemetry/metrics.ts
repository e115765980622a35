// Prometheus metrics for GET /metrics: HTTP traffic; every ledger row's routing decision, served
// tier, spend, saving, duration and time to first byte; upstream attempts by outcome; what is open
// now (requests, streams) and what the ledger still holds (queue, journal).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestedTier } from '../canonical/types.js';
import type { AttemptOutcome } from '../routing/attempts.js';
import type { UsageRow } from '../store/store.js';

/** Values read at scrape time, so keeping them current costs the hot path nothing. */
export interface MetricSources {
  inFlightRequests: () => number;
  openStreams: () => number;
  ledgerQueueDepth: () => number;
  ledgerJournalBytes: () => number;
  /** Given when Redis is configured: exported as flexinference_redis_up. */
  redisUp?: () => boolean;
}

export interface Metrics {
  observe(route: string, status: number, durationMs: number): void;
  /** One closed ledger row. `catalogued` says whether its model may be a label value. */
  observeRequest(row: UsageRow, catalogued: boolean): void;
  /** One upstream attempt's end; `model` is already reduced to a label value. */
  observeAttempt(labels: { provider: string; model: string; tier: RequestedTier; outcome: AttemptOutcome }): void;
  render(): Promise<string>;
  contentType: string;
  registry: Registry;
}

const LATENCY_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

function sourceGauges(registry: Registry, sources: MetricSources): void {
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  gauge('flexinference_http_requests_in_flight', 'HTTP requests being handled now.', sources.inFlightRequests);
  gauge('flexinference_open_streams', 'Streamed answers being written to callers now.', sources.openStreams);
  gauge('flexinference_ledger_queue_depth', 'Usage rows waiting for their group commit to the store.', sources.ledgerQueueDepth);
  gauge('flexinference_ledger_journal_bytes', 'Size of the ledger crash journal (rows not yet committed).', sources.ledgerJournalBytes);
  const redisUp = sources.redisUp;
  if (redisUp) {
    new Gauge({
      name: 'flexinference_redis_up',
      help: '1 while Redis answers (limits and statistics shared), 0 while this instance runs on its own state.',
      // Over the workers of `serve --workers`: 0 as soon as one of them has lost Redis.
      aggregator: 'min',
      registers: [registry],
      collect() {
        this.set(redisUp() ? 1 : 0);
      },
    });
  }
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  sourceGauges(registry, sources);
  const requests = new Counter({
    name: 'flexinference_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'flexinference_http_request_duration_seconds',
    help: 'Time from request start to the end of the answer.',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const generationLabels = ['surface', 'provider', 'model', 'route'] as const;
  const generationDuration = new Histogram({
    name: 'flexinference_request_duration_seconds',
    help: 'Generation requests: time from request start to the end of the answer (the ledger row duration).',
    labelNames: generationLabels,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const firstByte = new Histogram({
    name: 'flexinference_time_to_first_byte_seconds',
    help: 'Generation requests: time from request start to the first byte of the answer sent to the caller.',
    labelNames: generationLabels,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'flexinference_upstream_attempts_total',
    help: 'Upstream attempts (flex, standard, retries) by requested tier and how they ended.',
    labelNames: ['provider', 'model', 'tier', 'outcome'] as const,
    registers: [registry],
  });
  const generations = new Counter({
    name: 'flexinference_requests_total',
    help: 'Generation requests by provider, model, routing decision, served tier and outcome.',
    labelNames: ['provider', 'model', 'route', 'tier', 'status'] as const,
    registers: [registry],
  });
  const spend = new Counter({
    name: 'flexinference_spend_usd_total',
    help: 'Cost at the served tier (catalog prices), in US dollars.',
    labelNames: ['provider', 'model', 'tier'] as const,
    registers: [registry],
  });
  const standardCost = new Counter({
    name: 'flexinference_standard_cost_usd_total',
    help: 'What the requests would have cost on standard, in US dollars (saving = this minus spend).',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const admission = new Histogram({
    name: 'flexinference_admission_seconds',
    help: 'Time from request start to the provider starting the serving attempt.',
    labelNames: ['provider', 'tier'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  // Label sets are few (routes, statuses, catalogued models): each one's child is looked up once,
  // not hashed from a label object on every request.
  const httpSeries = new Map<string, { count: Counter.Internal; time: Histogram.Internal<'route'> }>();
  const requestSeries = new Map<string, Counter.Internal>();
  const generationSeries = new Map<string, { duration: Histogram.Internal<(typeof generationLabels)[number]>; firstByte: Histogram.Internal<(typeof generationLabels)[number]> }>();
  const attemptSeries = new Map<string, Counter.Internal>();
  return {
    observe(route, status, durationMs) {
      const key = `${route} ${status}`;
      let series = httpSeries.get(key);
      if (series === undefined) {
        series = { count: requests.labels(route, String(status)), time: duration.labels(route) };
        httpSeries.set(key, series);
      }
      series.count.inc();
      series.time.observe(durationMs / 1000);
    },
    observeRequest(row, catalogued) {
      // Any model name passes through on `default`: only catalogued ones become label values.
      const model = catalogued ? row.model : 'other';
      const tier = row.servedTier ?? 'none';
      const key = `${row.provider} ${model} ${row.route} ${tier} ${row.status}`;
      let counted = requestSeries.get(key);
      if (counted === undefined) {
        counted = generations.labels(row.provider, model, row.route, tier, row.status);
        requestSeries.set(key, counted);
      }
      counted.inc();
      if (row.costUsd > 0 && Number.isFinite(row.costUsd)) spend.inc({ provider: row.provider, model, tier }, row.costUsd);
      if (row.standardCostUsd > 0 && Number.isFinite(row.standardCostUsd)) standardCost.inc({ provider: row.provider, model }, row.standardCostUsd);
      if (row.admissionMs !== null && Number.isFinite(row.admissionMs)) {
        admission.observe({ provider: row.provider, tier }, Math.max(0, row.admissionMs) / 1000);
      }
      const generationKey = `${row.surface} ${row.provider} ${model} ${row.route}`;
      let timed = generationSeries.get(generationKey);
      if (timed === undefined) {
        timed = { duration: generationDuration.labels(row.surface, row.provider, model, row.route), firstByte: firstByte.labels(row.surface, row.provider, model, row.route) };
        generationSeries.set(generationKey, timed);
      }
      if (row.durationMs !== null) timed.duration.observe(Math.max(0, row.durationMs) / 1000);
      if (row.firstByteMs !== null) timed.firstByte.observe(Math.max(0, row.firstByteMs) / 1000);
    },
    observeAttempt({ provider, model, tier, outcome }) {
      const key = `${provider} ${model} ${tier} ${outcome}`;
      let counted = attemptSeries.get(key);
      if (counted === undefined) {
        counted = attempts.labels(provider, model, tier, outcome);
        attemptSeries.set(key, counted);
      }
      counted.inc();
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
    registry,
  };
}

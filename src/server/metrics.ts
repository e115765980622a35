// Prometheus metrics for GET /metrics: HTTP traffic, and every ledger row's routing decision,
// served tier, spend and saving.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UsageRow } from '../store/store.js';

export interface Metrics {
  observe(route: string, status: number, durationMs: number): void;
  /** One closed ledger row. `catalogued` says whether its model may be a label value. */
  observeRequest(row: UsageRow, catalogued: boolean): void;
  render(): Promise<string>;
  contentType: string;
  registry: Registry;
}

/** `redisUp` is given when Redis is configured: exported as flexinference_redis_up. */
export function createMetrics(options: { redisUp?: () => boolean } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const redisUp = options.redisUp;
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
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600],
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
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
    registry,
  };
}

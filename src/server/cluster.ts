// `serve --workers N`: N gateway processes behind one port (node:cluster), so one deployment uses
// every core. The primary serves no requests; it starts the workers, replaces one that dies,
// passes signals on, and relays what the workers share:
// - learned flex statistics and rate-limit counts: each worker decides from its own view and
//   publishes what it observed; the primary relays it to the others within ~LINK_FLUSH_MS;
// - metrics: GET /metrics on any worker answers the sum over all workers (prom-client's
//   AggregatorRegistry, asked through the primary).
// The ledger and keys need no relay: every worker writes the same store (with its own crash
// journal) and reads keys from it through a lookup cache at most 2 s old.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Registry } from 'prom-client';
import type { FinishSample, FlexOutcome, FlexStats, StatsKey } from '../routing/stats.js';
import type { RateLimiter } from './rate-limit.js';

/** One observation a worker made that the other workers apply to their own view. */
export type SharedEvent =
  | { kind: 'flex'; key: StatsKey; outcome: FlexOutcome }
  | { kind: 'standard-start'; key: StatsKey; afterMs: number }
  | { kind: 'finish'; key: StatsKey; sample: FinishSample }
  | { kind: 'limit'; limiter: string; key: string };

type Message =
  | { flex: 'share'; events: SharedEvent[] }
  | { flex: 'listening'; url: string }
  | { flex: 'metrics-request'; id: number }
  | { flex: 'metrics'; id: number; text?: string; error?: string };

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { flex?: unknown }).flex === 'string';
}

/** Events are sent in batches at most this often (one IPC message per batch). */
export const LINK_FLUSH_MS = 10;

/** A worker's link to the others, through the primary. */
export interface ClusterLink {
  publish(event: SharedEvent): void;
  /** Called with each event another worker published. */
  subscribe(handler: (event: SharedEvent) => void): void;
  /** Makes `registry` part of the cluster-wide metrics. */
  shareMetrics(registry: Registry): void;
  /** Prometheus text summed over every worker. */
  metrics(): Promise<string>;
  /** Tells the primary this worker's gateway listens at `url`. */
  listening(url: string): void;
  /** Closes the channel to the primary (after shutdown), so the worker can exit. */
  leave(): void;
}

/** This process's link when it is a cluster worker; undefined when it runs alone. */
export function joinCluster(): ClusterLink | undefined {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || send === undefined) return undefined;
  let batch: SharedEvent[] = [];
  const handlers: ((event: SharedEvent) => void)[] = [];
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  const flush = (): void => {
    const events = batch;
    batch = [];
    if (events.length > 0 && process.connected) send({ flex: 'share', events } satisfies Message);
  };
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.flex === 'share') {
      for (const event of message.events) for (const handler of handlers) handler(event);
    } else if (message.flex === 'metrics') {
      const request = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.text !== undefined) request?.resolve(message.text);
      else request?.reject(new Error(message.error ?? 'no metrics from the primary'));
    }
  });
  return {
    publish(event) {
      if (batch.length === 0) setTimeout(flush, LINK_FLUSH_MS).unref();
      batch.push(event);
    },
    subscribe: (handler) => void handlers.push(handler),
    shareMetrics(registry) {
      // Constructing one installs prom-client's worker side, which answers the primary's requests.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([registry]);
    },
    metrics: () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        send({ flex: 'metrics-request', id } satisfies Message);
      }),
    listening: (url) => void send({ flex: 'listening', url } satisfies Message),
    leave() {
      flush();
      if (process.connected) process.disconnect();
    },
  };
}

/** Learned statistics: each sample is applied here and published; others' samples are applied too. */
export function sharedStats(local: FlexStats, link: ClusterLink): FlexStats {
  link.subscribe((event) => {
    if (event.kind === 'flex') local.recordFlex(event.key, event.outcome);
    else if (event.kind === 'standard-start') local.recordStandardStart(event.key, event.afterMs);
    else if (event.kind === 'finish') local.recordFinish(event.key, event.sample);
  });
  return {
    standardReserveMs: (key) => local.standardReserveMs(key),
    finishReserveMs: (key, outputLimit) => local.finishReserveMs(key, outputLimit),
    learnedStandardFinishMs: (key, outputLimit) => local.learnedStandardFinishMs(key, outputLimit),
    flexOutlook: (key) => local.flexOutlook(key),
    snapshot: () => local.snapshot(),
    restore: (snapshot) => local.restore(snapshot),
    recordFlex(key, outcome) {
      local.recordFlex(key, outcome);
      link.publish({ kind: 'flex', key, outcome });
    },
    recordStandardStart(key, afterMs) {
      local.recordStandardStart(key, afterMs);
      link.publish({ kind: 'standard-start', key, afterMs });
    },
    recordFinish(key, sample) {
      local.recordFinish(key, sample);
      link.publish({ kind: 'finish', key, sample });
    },
  };
}

/**
 * A rate limiter whose counts include every worker's: a unit taken here is published, and units
 * taken elsewhere are counted here as they arrive. A burst split across workers within one relay
 * interval (~LINK_FLUSH_MS) can be admitted once per worker; after that every worker sees it.
 */
export function sharedLimiter(local: RateLimiter, name: string, link: ClusterLink): RateLimiter {
  link.subscribe((event) => {
    if (event.kind === 'limit' && event.limiter === name) void local.take(event.key);
  });
  return {
    take(key) {
      link.publish({ kind: 'limit', limiter: name, key });
      return local.take(key);
    },
    blockedFor: (key) => local.blockedFor(key),
  };
}

export interface PrimaryOptions {
  workers: number;
  log: { info(fields: object, msg: string): void; warn(fields: object, msg: string): void; error(fields: object, msg: string): void };
  /** Called once, with the gateway's URL, when every worker listens. */
  onListening(url: string): void;
}

/**
 * Runs the primary: forks the workers (which re-run this command as workers), relays, and on
 * SIGTERM/SIGINT lets every worker finish its in-flight requests before exiting. A worker that
 * dies otherwise is replaced (its crash journal is replayed by the next worker to start).
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failed = false;
  let announced = false;
  const listened = new Set<number>();
  const relay = (from: Worker, message: unknown): void => {
    if (!isMessage(message)) return;
    if (message.flex === 'listening') {
      listened.add(from.id);
      if (announced || listened.size < options.workers) return;
      announced = true;
      options.onListening(message.url);
    } else if (message.flex === 'share') {
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker && worker !== from && worker.isConnected()) worker.send(message);
      }
    } else if (message.flex === 'metrics-request') {
      aggregator.clusterMetrics().then(
        (text) => from.isConnected() && from.send({ flex: 'metrics', id: message.id, text } satisfies Message),
        (err: unknown) => from.isConnected() && from.send({ flex: 'metrics', id: message.id, error: String(err) } satisfies Message),
      );
    }
  };
  cluster.on('message', relay);
  const exited = new Promise<number>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0);
        return;
      }
      if (!listened.has(worker.id)) {
        // It never started (a port in use, a bad setting): a replacement would fail the same way.
        options.log.error({ worker: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
        failed = true;
        stop('SIGTERM');
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(1);
        return;
      }
      options.log.error({ worker: worker.process.pid, code, signal }, 'worker exited; starting a replacement');
      cluster.fork();
    });
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.log.info({ signal }, 'shutting down: every worker finishes its in-flight requests');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  });
  for (let i = 0; i < options.workers; i++) cluster.fork();
  return exited;
}

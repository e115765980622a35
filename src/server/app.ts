// The HTTP shell: routes, request id, auth, error boundary, client disconnect, graceful shutdown.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import { FlexError, redactSecrets, toFlexError } from '../errors/catalog.js';
import type { RenderedError } from '../errors/render.js';
import { renderAnthropicError, renderGoogleError, renderOpenAIError } from '../errors/render.js';
import type { Surface } from '../surfaces/surface.js';
import type { GatewayDeps } from './deps.js';
import { renderErrorsPage } from './docs-page.js';
import type { RequestContext } from './generate.js';
import { handleGeneration } from './generate.js';
import { createClientAddressResolver, createTrustCheck } from './client-address.js';
import { guardConnections } from './connections.js';
import { drainThenClose, sendJson, sendRendered } from './http.js';
import { createMetrics } from '../telemetry/metrics.js';
import type { RequestRecord } from '../telemetry/record.js';
import { createTelemetry } from '../telemetry/telemetry.js';
import { openApiDocument } from './openapi.js';
import { handleUsage } from './usage-endpoint.js';
import { ADMIN_PREFIX, handleAdmin } from './admin-routes.js';
import { handleDashboard, isDashboardPath } from './dashboard-routes.js';

export interface Gateway {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then closes the rest. */
  shutdown(graceMs: number): Promise<void>;
}

type Dialect = 'openai' | 'anthropic' | 'google';

/** True when the request was ended by the server (shutdown), not by the client leaving. */
export function isServerAbort(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof FlexError;
}

/** Which envelope an error takes when no surface owns the path. */
function dialectFor(req: IncomingMessage, surface: Surface | undefined): Dialect {
  if (surface?.name === 'messages') return 'anthropic';
  if (surface?.name === 'interactions') return 'google';
  if (surface) return 'openai';
  const url = req.url ?? '';
  if (url.startsWith(ADMIN_PREFIX) || isDashboardPath(url.split('?', 1)[0] ?? '')) return 'openai';
  if (url.startsWith('/v1beta') || url.startsWith('/v1/interactions') || req.headers['x-goog-api-key']) return 'google';
  if (url.startsWith('/v1/messages') || req.headers['anthropic-version'] || req.headers['x-api-key']) return 'anthropic';
  return 'openai';
}

function render(err: FlexError, dialect: Dialect, surface: Surface | undefined, docsBaseUrl: string): RenderedError {
  if (surface) return surface.renderError(err, docsBaseUrl);
  switch (dialect) {
    case 'anthropic':
      return renderAnthropicError(err);
    case 'google':
      return renderGoogleError(err);
    case 'openai':
      return renderOpenAIError(err, docsBaseUrl);
  }
}

/** The GET routes beside the caller endpoints (each surface serves POST on its own path). */
export const GET_PATHS = ['/v1/models', '/v1/usage', '/healthz', '/readyz', '/metrics', '/docs/errors', '/openapi.json'] as const;
const GET_ROUTES = new Set<string>(GET_PATHS);
/** `GET /v1/models/{id}`: one catalog entry (the OpenAI SDK's `models.retrieve`). */
const MODEL_PATH = '/v1/models/';

/** The label of a path that is not a surface: known routes by name, the admin API as one, the rest as one. */
function routeLabel(path: string): string {
  if (GET_ROUTES.has(path)) return path;
  if (path.startsWith(MODEL_PATH)) return '/v1/models/{id}';
  if (path.startsWith(ADMIN_PREFIX)) return '/admin/v1';
  return isDashboardPath(path) ? '/dashboard' : 'other';
}

export function createGateway(deps: GatewayDeps): Gateway {
  const surfaces = new Map(deps.surfaces.map((s) => [s.path, s]));
  const clientAddress = createClientAddressResolver(deps.config.trustedProxies);
  let shuttingDown = false;
  /** In-flight responses, each with the abort that ends its upstream work. */
  const inFlight = new Map<ServerResponse, AbortController>();
  /** Handlers still running (their ledger rows close when they finish). */
  const handlers = new Set<Promise<void>>();
  /** Set during shutdown: called when the last in-flight response closes. */
  let onDrained: (() => void) | undefined;
  const telemetry = createTelemetry({
    log: deps.log,
    tracing: deps.tracing,
    isCatalogued: (model) => deps.catalog.get(model) !== undefined,
    metrics: createMetrics({
      inFlightRequests: () => inFlight.size,
      openStreams: () => telemetry.openStreams(),
      ledgerQueueDepth: () => deps.ledger.queueDepth,
      ledgerJournalBytes: () => deps.ledger.journalBytes,
      ...(deps.shared.kind === 'redis' ? { redisUp: () => deps.shared.up() } : {}),
    }),
  });
  const metrics = telemetry.metrics;
  deps.link?.shareMetrics(metrics.registry);
  const openApi = JSON.stringify(openApiDocument(deps.config.publicUrl));

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string, record: RequestRecord): Promise<void> => {
    const { requestId, startedAt } = record;
    res.setHeader('x-request-id', requestId);
    const surface = surfaces.get(path);
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) clientGone.abort(new Error('client disconnected'));
      inFlight.delete(res);
      if (inFlight.size === 0) onDrained?.();
    });
    inFlight.set(res, clientGone);
    try {
      if (shuttingDown) res.setHeader('connection', 'close');
      if (surface) {
        record.surface = surface.name;
        if (req.method !== 'POST') throw new FlexError('method_not_allowed');
        const key = await deps.authenticator.authenticate(req.headers, clientAddress(req));
        record.orgId = key.orgId;
        record.keyId = key.id;
        const wait = await deps.orgLimiter.take(key.orgId);
        if (wait > 0) throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: wait, detail: 'Your organization is over its request rate.' });
        const settings = await deps.keyLimits.admit(key);
        const ctx: RequestContext = { requestId, startedAt, key, settings, clientSignal: clientGone.signal, record, telemetry };
        await handleGeneration(deps, surface, req, res, ctx);
      } else if (path.startsWith(ADMIN_PREFIX)) {
        await handleAdmin(deps.admin, req, res, new URL(req.url ?? '/', 'http://gateway'));
      } else if (isDashboardPath(path)) {
        await handleDashboard(deps, req, res, path);
      } else if (GET_ROUTES.has(path)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new FlexError('method_not_allowed');
        await handleGet(path, req, res);
      } else if (path.startsWith(MODEL_PATH)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new FlexError('method_not_allowed');
        sendJson(res, 200, modelObject(deps, path.slice(MODEL_PATH.length)));
      } else {
        throw new FlexError('not_found', { detail: `No route for ${req.method ?? 'GET'} ${path.slice(0, 200)}.` });
      }
    } catch (thrown) {
      // A client that went away gets no answer; a server-side abort (shutdown) carries its FlexError.
      if (clientGone.signal.aborted && !isServerAbort(clientGone.signal)) {
        record.errorCode = 'client_disconnected';
        return;
      }
      const err = toFlexError(thrown);
      record.errorCode = err.code;
      if (err.code === 'internal_error') {
        deps.log.error({ requestId, err: redactSecrets(String((err.cause as Error | undefined)?.stack ?? err.cause)) }, 'internal error');
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      drainThenClose(req);
      sendRendered(res, render(err, dialectFor(req, surface), surface, deps.config.publicUrl));
    }
  };

  const handleGet = async (path: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    switch (path) {
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz':
        return sendJson(res, shuttingDown ? 503 : 200, readiness(deps, shuttingDown));
      case '/v1/models':
        return sendJson(res, 200, modelsList(deps));
      case '/docs/errors': {
        const html = renderErrorsPage();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
        res.end(html);
        return;
      }
      case '/metrics': {
        const text = deps.link ? await deps.link.metrics() : await metrics.render();
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
        return;
      }
      case '/openapi.json':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(openApi) });
        res.end(openApi);
        return;
      case '/v1/usage': {
        const key = await deps.authenticator.authenticate(req.headers, clientAddress(req));
        return sendJson(res, 200, await handleUsage(deps, key, req.url ?? ''));
      }
    }
    throw new FlexError('not_found');
  };

  /** Unknown paths share one label: a caller must not be able to grow the series without bound. */
  const pathLabel = (path: string): string => (surfaces.has(path) ? path : routeLabel(path));

  const limits = deps.config.clientConnections;
  const server = createServer(
    {
      keepAliveTimeout: limits.idleTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for connections past those deadlines (its default is 30 s).
      connectionsCheckingInterval: Math.min(5_000, Math.ceil(limits.headersTimeoutMs / 4)),
    },
    (req, res) => onRequest(req, res),
  );
  const connections = guardConnections(server, {
    idleTimeoutMs: limits.idleTimeoutMs,
    maxPerAddress: limits.maxPerAddress,
    exempt: createTrustCheck(deps.config.trustedProxies),
  });
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    connections.requestStarted(req.socket);
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const record = telemetry.begin({ req, requestId: `req_${randomUUID().replaceAll('-', '')}`, path: pathLabel(path), startedAt: deps.clock.now() });
    // The request is told once both its handler finished (its ledger row is closed) and its
    // response closed (the status and duration are final).
    let status = 0;
    let durationMs = 0;
    let waiting = 2;
    const settle = (): void => {
      if (--waiting === 0) telemetry.end(record, { status, durationMs });
    };
    res.once('close', () => {
      status = res.headersSent ? res.statusCode : 499;
      durationMs = deps.clock.now() - record.startedAt;
      settle();
    });
    const running = handle(req, res, path, record).catch((err: unknown) => {
      deps.log.error({ err: redactSecrets(String(err)) }, 'unhandled error at the boundary');
      res.destroy();
    });
    handlers.add(running);
    void running.finally(() => {
      handlers.delete(running);
      settle();
    });
  };
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Answer, then close outright: ending politely would leave the socket to a peer that may never
    // read or close (a slowloris client), holding it open.
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    socket.destroy();
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
        });
      }),
    async shutdown(graceMs) {
      shuttingDown = true;
      // Load balancers see /readyz answer 503 and stop routing here before the listener closes.
      if (deps.config.shutdownDrainMs > 0) await sleep(deps.clock, deps.config.shutdownDrainMs).done;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = new Promise<'drained'>((resolve) => {
        onDrained = () => resolve('drained');
        if (inFlight.size === 0) resolve('drained');
      });
      if ((await raceClock(deps.clock, drained, graceMs)) === 'timeout') {
        deps.log.warn({ open: inFlight.size }, 'shutdown grace period over; ending remaining requests');
        // Requests still waiting get a 503 (or an in-stream error) in their own dialect first.
        for (const abort of inFlight.values()) {
          abort.abort(new FlexError('upstream_unavailable', { status: 503, retryAfterSeconds: 5, detail: 'The gateway is shutting down and could not finish this request in time.' }));
        }
        await raceClock(deps.clock, Promise.allSettled([...handlers]), 1_000);
        for (const res of inFlight.keys()) res.destroy();
      }
      // Destroyed requests close their ledger rows as they unwind; wait for that before returning.
      await raceClock(deps.clock, Promise.allSettled([...handlers]), 5_000);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Resolves after `ms` on the injected clock; `cancel` clears the timer so it keeps nothing alive. */
function sleep(clock: Clock, ms: number): { done: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const done = new Promise<void>((resolve) => (cancel = clock.setTimer(ms, resolve)));
  return { done, cancel };
}

/** `work`'s result, or 'timeout' once `ms` passed on the injected clock. */
async function raceClock<T>(clock: Clock, work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  const timer = sleep(clock, ms);
  try {
    return await Promise.race([work, timer.done.then(() => 'timeout' as const)]);
  } finally {
    timer.cancel();
  }
}

/**
 * Ready unless shutting down. Degraded (still 200: requests are served) while usage rows wait in
 * the crash journal for the database.
 */
function readiness(deps: GatewayDeps, shuttingDown: boolean): object {
  if (shuttingDown) return { status: 'shutting_down' };
  const waiting = deps.ledger.waiting;
  return waiting > 0 ? { status: 'degraded', usage_rows_waiting: waiting, reason: 'the database is not reachable; usage rows wait in the local journal' } : { status: 'ready' };
}

type CatalogModel = GatewayDeps['catalog']['models'][number];

function modelEntry(m: CatalogModel): unknown {
  return {
    id: m.id,
    object: 'model',
    created: 0,
    owned_by: m.provider,
    provider: m.provider,
    flex_capable: m.flex_capable,
    pricing: m.pricing,
  };
}

function modelsList(deps: GatewayDeps): unknown {
  return { object: 'list', data: deps.catalog.models.map(modelEntry) };
}

function modelObject(deps: GatewayDeps, encodedId: string): unknown {
  let id: string;
  try {
    id = decodeURIComponent(encodedId);
  } catch {
    id = encodedId;
  }
  const model = deps.catalog.get(id);
  if (model === undefined) {
    throw new FlexError('not_found', {
      param: 'model',
      detail: `The model ${JSON.stringify(id.slice(0, 100))} is not in the catalog (GET /v1/models lists the catalogued ones; "default", "priority" and "auto" still proxy any model name).`,
    });
  }
  return modelEntry(model);
}

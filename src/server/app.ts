// The HTTP shell: routes, request id, auth, error boundary, client disconnect, graceful shutdown.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlexError, redactSecrets, toFlexError } from '../errors/catalog.js';
import type { RenderedError } from '../errors/render.js';
import { renderAnthropicError, renderGoogleError, renderOpenAIError } from '../errors/render.js';
import type { Surface } from '../surfaces/surface.js';
import type { GatewayDeps } from './deps.js';
import { renderErrorsPage } from './docs-page.js';
import type { RequestContext } from './generate.js';
import { handleGeneration } from './generate.js';
import { clientAddress, drainThenClose, sendJson, sendRendered } from './http.js';
import { createMetrics } from './metrics.js';
import { handleUsage } from './usage-endpoint.js';
import { ADMIN_PREFIX, handleAdmin } from './admin-routes.js';

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
  if (url.startsWith(ADMIN_PREFIX)) return 'openai';
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

const GET_ROUTES = new Set(['/v1/models', '/healthz', '/readyz', '/metrics', '/docs/errors', '/v1/usage']);

/** The metrics label of a path that is not a surface: known routes by name, the rest as one. */
function routeLabel(path: string): string {
  if (GET_ROUTES.has(path)) return path;
  return path.startsWith(ADMIN_PREFIX) ? '/admin/v1' : 'other';
}

export function createGateway(deps: GatewayDeps): Gateway {
  const surfaces = new Map(deps.surfaces.map((s) => [s.path, s]));
  const metrics = createMetrics(deps.shared.kind === 'redis' ? { redisUp: () => deps.shared.up() } : {});
  deps.link?.shareMetrics(metrics.registry);
  const unsubscribeMetrics = deps.ledger.onClosed((row) => metrics.observeRequest(row, deps.catalog.get(row.model) !== undefined));
  let shuttingDown = false;
  /** In-flight responses, each with the abort that ends its upstream work. */
  const inFlight = new Map<ServerResponse, AbortController>();
  /** Handlers still running (their ledger rows close when they finish). */
  const handlers = new Set<Promise<void>>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    const startedAt = deps.clock.now();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const surface = surfaces.get(path);
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) clientGone.abort(new Error('client disconnected'));
      inFlight.delete(res);
      // Unknown paths share one label: a caller must not be able to grow the series without bound.
      metrics.observe(surface?.name ?? routeLabel(path), res.statusCode, deps.clock.now() - startedAt);
    });
    inFlight.set(res, clientGone);
    try {
      if (shuttingDown) res.setHeader('connection', 'close');
      if (surface) {
        if (req.method !== 'POST') throw new FlexError('method_not_allowed');
        const key = await deps.authenticator.authenticate(req.headers, clientAddress(req, deps.config.trustProxy));
        const wait = await deps.orgLimiter.take(key.orgId);
        if (wait > 0) throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: wait, detail: 'Your organization is over its request rate.' });
        const settings = await deps.keyLimits.admit(key);
        const ctx: RequestContext = { requestId, startedAt, key, settings, clientSignal: clientGone.signal };
        await handleGeneration(deps, surface, req, res, ctx);
      } else if (path.startsWith(ADMIN_PREFIX)) {
        await handleAdmin(deps.admin, req, res, new URL(req.url ?? '/', 'http://gateway'));
      } else if (GET_ROUTES.has(path)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new FlexError('method_not_allowed');
        await handleGet(path, req, res);
      } else {
        throw new FlexError('not_found', { detail: `No route for ${req.method ?? 'GET'} ${path.slice(0, 200)}.` });
      }
    } catch (thrown) {
      // A client that went away gets no answer; a server-side abort (shutdown) carries its FlexError.
      if (clientGone.signal.aborted && !isServerAbort(clientGone.signal)) return;
      const err = toFlexError(thrown);
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
      case '/v1/usage': {
        const key = await deps.authenticator.authenticate(req.headers, clientAddress(req, deps.config.trustProxy));
        return sendJson(res, 200, await handleUsage(deps, key, req.url ?? ''));
      }
    }
    throw new FlexError('not_found');
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 120_000, headersTimeout: 60_000 }, (req, res) => {
    const running = handle(req, res).catch((err: unknown) => {
      deps.log.error({ err: redactSecrets(String(err)) }, 'unhandled error at the boundary');
      res.destroy();
    });
    handlers.add(running);
    void running.finally(() => handlers.delete(running));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
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
      if (deps.config.shutdownDrainMs > 0) await new Promise((r) => setTimeout(r, deps.config.shutdownDrainMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      const drained = (async (): Promise<'drained'> => {
        while (inFlight.size > 0) await new Promise((r) => setTimeout(r, 50));
        return 'drained';
      })();
      if ((await Promise.race([drained, deadline])) === 'timeout') {
        deps.log.warn({ open: inFlight.size }, 'shutdown grace period over; ending remaining requests');
        // Requests still waiting get a 503 (or an in-stream error) in their own dialect first.
        for (const abort of inFlight.values()) {
          abort.abort(new FlexError('upstream_unavailable', { status: 503, retryAfterSeconds: 5, detail: 'The gateway is shutting down and could not finish this request in time.' }));
        }
        await Promise.race([Promise.allSettled([...handlers]), new Promise((r) => setTimeout(r, 1_000).unref())]);
        for (const res of inFlight.keys()) res.destroy();
      }
      // Destroyed requests close their ledger rows as they unwind; wait for that before returning.
      await Promise.race([Promise.allSettled([...handlers]), new Promise((r) => setTimeout(r, 5_000).unref())]);
      server.closeAllConnections();
      unsubscribeMetrics();
      await closed;
    },
  };
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

function modelsList(deps: GatewayDeps): unknown {
  return {
    object: 'list',
    data: deps.catalog.models.map((m) => ({
      id: m.id,
      object: 'model',
      created: 0,
      owned_by: m.provider,
      provider: m.provider,
      flex_capable: m.flex_capable,
      pricing: m.pricing,
    })),
  };
}

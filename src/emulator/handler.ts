// The emulator's request handler (node:http style), mountable in-process or behind startEmulator.
// Routing, request log, body reading, auth and JSON checks; the rest is run-call.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHttpReply, type Dialect } from './dialect.js';
import { DIALECTS } from './dialects.js';
import { isObject, str, type JsonObject } from './json.js';
import { createRng, hashParts } from './rng.js';
import { runCall, sendJson } from './run-call.js';
import { createState, type InternalState } from './state.js';
import type { EmulatorHandler, EmulatorOptions, EmulatorRequestLog, RequestOutcome } from './types.js';

/** Far above any real request; the gateway's own limit is 1 MB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function createEmulatorHandler(options: EmulatorOptions = {}): EmulatorHandler {
  const state = createState(options);
  let served = 0;
  return {
    state,
    handle(req, res) {
      served += 1;
      handleRequest(req, res, state, served).catch(() => {
        // A fault here is a bug in the emulator; never leave the socket hanging.
        if (!res.headersSent) sendJson(res, { status: 500, body: { error: { message: 'emulator fault' } } }, {});
        else res.destroy();
      });
    },
  };
}

function findDialect(method: string | undefined, path: string): Dialect | undefined {
  if (method !== 'POST') return undefined;
  return DIALECTS.find((d) => d.path === path);
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, state: InternalState, n: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  if (req.method === 'GET' && url.pathname === '/healthz') {
    sendJson(res, { status: 200, body: { ok: true } }, {});
    return;
  }
  const dialect = findDialect(req.method, url.pathname);
  if (!dialect) {
    req.resume();
    sendJson(res, { status: 404, body: { error: { message: `No route for ${req.method ?? ''} ${url.pathname}`, code: 404 } } }, {});
    return;
  }
  const log: EmulatorRequestLog = {
    api: dialect.api,
    model: '',
    tier: '',
    stream: false,
    body: undefined,
    headers: req.headers,
    outcome: 'pending',
    receivedAt: Date.now(),
  };
  state.log(log);
  const controller = new AbortController();
  const untrack = state.track(controller, res);
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
    untrack();
  });
  const baseHeaders = dialect.requestIdHeader(createRng(hashParts(state.options.seed, 'request-id', n)));
  const outcome = await serve({ req, res, dialect, log, state, signal: controller.signal, baseHeaders });
  log.outcome = controller.signal.aborted ? 'aborted' : outcome;
  log.endedAt = Date.now();
}

interface ServeArgs {
  req: IncomingMessage;
  res: ServerResponse;
  dialect: Dialect;
  log: EmulatorRequestLog;
  state: InternalState;
  signal: AbortSignal;
  baseHeaders: Record<string, string>;
}

async function serve(a: ServeArgs): Promise<RequestOutcome> {
  const raw = await readBody(a.req);
  if (raw === undefined) {
    sendJson(a.res, { status: 413, body: { error: { message: 'Request body too large.' } } }, a.baseHeaders);
    return 'error';
  }
  const authError = a.dialect.checkHeaders(a.req.headers, new URL(a.req.url ?? '/', 'http://emulator.local'));
  const body = parseJson(raw);
  if (body !== undefined) {
    a.log.body = body;
    a.log.model = str(body.model) ?? '';
    a.log.stream = body.stream === true;
  }
  if (authError) {
    sendJson(a.res, authError, a.baseHeaders, a.dialect);
    return 'error';
  }
  if (body === undefined) {
    sendJson(a.res, a.dialect.invalidJson(), a.baseHeaders, a.dialect);
    return 'error';
  }
  const prepared = a.dialect.prepare(body);
  if (isHttpReply(prepared)) {
    sendJson(a.res, prepared, a.baseHeaders, a.dialect);
    return 'error';
  }
  a.log.tier = prepared.ask.tier;
  return runCall({ res: a.res, dialect: a.dialect, prepared, log: a.log, state: a.state, signal: a.signal, baseHeaders: a.baseHeaders });
}

function parseJson(raw: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The whole body as text, or undefined past the size limit (or when the client gave up). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(buf);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString('utf8');
}

// One generation request, end to end: checks in the documented order, the tier plan, the race,
// then the answer (assembled or streamed) in the caller's dialect, and its ledger row.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderName } from '../canonical/types.js';
import { providerForModel } from '../catalog/catalog.js';
import { FlexError, toFlexError } from '../errors/catalog.js';
import type { Committed } from '../routing/flex-race.js';
import { runPlan, type PlanRun } from '../routing/run-plan.js';
import { parseStartWithin } from '../routing/start-within.js';
import { checkTierChoice, planTier } from '../routing/tier-plan.js';
import type { TierPlan } from '../routing/tier-plan.js';
import type { StartWithin } from '../routing/start-within.js';
import type { Provider } from '../providers/provider.js';
import type { DecodedRequest, Surface } from '../surfaces/surface.js';
import type { ApiKeyRecord, KeySettings } from '../store/store.js';
import type { LedgerEntryEnd } from '../usage/ledger.js';
import type { GatewayDeps } from './deps.js';
import { readBody } from './http.js';
import { checkModelAllowed, requestedStartWithin } from './key-limits.js';

export interface RequestContext {
  requestId: string;
  startedAt: number;
  key: ApiKeyRecord;
  /** The key's settings (default start_within, allowed models), when it has any. */
  settings: KeySettings | undefined;
  /** Aborted when the client goes away before the answer is complete. */
  clientSignal: AbortSignal;
}

const NO_KEY_CODE = { openai: 'no_byok_key', gemini: 'no_gemini_key', anthropic: 'no_anthropic_key' } as const;

function parseJsonObject(bytes: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? err.message : 'unreadable body';
    throw new FlexError('invalid_json', { detail: `The request body is not valid JSON (${why}).` });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new FlexError('invalid_json', { detail: 'The request body must be a JSON object.' });
  }
  return body as Record<string, unknown>;
}

function requireModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new FlexError(
      'missing_model',
      model === undefined ? { param: 'model' } : { param: 'model', detail: '`model` must be a non-empty string.' },
    );
  }
  return model;
}

interface CheckedRequest {
  model: string;
  provider: ProviderName;
  startWithin: StartWithin;
  plan: TierPlan;
  decoded: DecodedRequest;
  apiKey: string;
  upstream: Provider;
}

/** The documented check order after auth: size → JSON → model → start_within → field rules → key. */
async function checkRequest(deps: GatewayDeps, surface: Surface, req: IncomingMessage, ctx: RequestContext): Promise<CheckedRequest> {
  const body = parseJsonObject(await readBody(req, deps.config.maxBodyBytes));
  const model = requireModel(body);
  checkModelAllowed(model, ctx.settings);
  const provider: ProviderName = providerForModel(model);
  const startWithin = parseStartWithin(requestedStartWithin(body, req.headers, ctx.settings));
  checkTierChoice({ model, provider, startWithin }, deps.catalog);
  const decoded = surface.decode(body);
  const outputLimit = decoded.request.maxOutputTokens;
  const plan = planTier({ model, provider, startWithin, stream: body.stream === true, ...(outputLimit === undefined ? {} : { outputLimit }) }, deps);
  if (provider === 'anthropic' && decoded.request.maxOutputTokens === undefined) {
    throw new FlexError('missing_max_tokens', {
      param: surface.maxTokensParam,
      detail: `\`${surface.maxTokensParam}\` is required for ${model}.`,
    });
  }
  const key = await deps.providerKeys.resolve(ctx.key.orgId, provider);
  const upstream = key?.emulated ? deps.emulatorProviders[provider] : deps.providers[provider];
  if (key === undefined || upstream === undefined) throw new FlexError(NO_KEY_CODE[provider]);
  return { model, provider, startWithin, plan, decoded, apiKey: key.apiKey, upstream };
}

/** The client went away (as opposed to the server ending the request, e.g. at shutdown). */
function clientLeft(ctx: RequestContext): boolean {
  return ctx.clientSignal.aborted && !(ctx.clientSignal.reason instanceof FlexError);
}

export async function handleGeneration(
  deps: GatewayDeps,
  surface: Surface,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const { model, provider, startWithin, plan, decoded, apiKey, upstream } = await checkRequest(deps, surface, req, ctx);
  const closeLedger = deps.ledger.open({
    requestId: ctx.requestId,
    orgId: ctx.key.orgId,
    keyId: ctx.key.id,
    surface: surface.name,
    provider,
    model,
    startWithin: startWithin.raw,
  });
  const end: LedgerProgress = { status: 'failed', servedTier: null, errorCode: null, firstByteMs: null, usage: null };
  const run = runPlan({
    provider: upstream,
    request: decoded.request,
    apiKey,
    plan,
    clientSignal: ctx.clientSignal,
    clock: deps.clock,
    stats: deps.stats,
    statsKey: { provider, model },
    random: deps.random,
    onRerun: (err) => deps.log.warn({ requestId: ctx.requestId, err: toFlexError(err).message }, 'flex failed after admission; re-running on standard'),
  });
  try {
    const args: AnswerArgs = { res, decoded, run, ctx, end, deps };
    if (decoded.stream) await streamAnswer(args, await run.open());
    else await jsonAnswer(args);
  } catch (err) {
    const disconnected = clientLeft(ctx);
    end.status = disconnected ? 'disconnected' : 'failed';
    end.errorCode = disconnected ? 'client_disconnected' : toFlexError(err).code;
    throw err;
  } finally {
    // An answer that ended on our side before its upstream completed must not leave it running.
    if (end.status !== 'completed') run.cancel();
    else run.completed({ streamed: decoded.stream });
    // Surfaces and providers both add warnings (providers while converting upstream): log them all.
    if (decoded.request.warnings?.length) deps.log.warn({ requestId: ctx.requestId, warnings: decoded.request.warnings }, 'lossy translation');
    const admittedAt = run.attempt?.admittedAt;
    closeLedger({
      ...end,
      route: run.route,
      admissionMs: admittedAt === undefined ? null : admittedAt - ctx.startedAt,
      durationMs: deps.clock.now() - ctx.startedAt,
    });
  }
}

/** What the answer learns as it goes; the route and admission come from the plan run. */
type LedgerProgress = Omit<LedgerEntryEnd, 'durationMs' | 'route' | 'admissionMs'>;

interface AnswerArgs {
  res: ServerResponse;
  decoded: DecodedRequest;
  run: PlanRun;
  ctx: RequestContext;
  end: LedgerProgress;
  deps: GatewayDeps;
}

/** A non-streaming caller: assemble (routing re-runs a failed flex answer), then answer once. */
async function jsonAnswer({ res, decoded, run, ctx, end, deps }: AnswerArgs): Promise<void> {
  const { response, served } = await run.assemble();
  const servedTier = response.servedTier;
  const payload = JSON.stringify(decoded.encodeResponse(response, { servedTier, requestId: ctx.requestId, docsBaseUrl: deps.config.publicUrl }));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-flexinference-tier': served.tier,
    'x-flexinference-route': served.route,
  });
  end.firstByteMs = deps.clock.now() - ctx.startedAt;
  res.end(payload);
  Object.assign(end, { status: 'completed', servedTier, usage: response.usage });
}

async function streamAnswer({ res, decoded, run, ctx, end, deps }: AnswerArgs, committed: Committed): Promise<void> {
  const servedTier = run.servedTier();
  const encoder = decoded.createStreamEncoder({ servedTier, requestId: ctx.requestId, docsBaseUrl: deps.config.publicUrl });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-flexinference-tier': committed.tier,
    'x-flexinference-route': committed.route,
  });
  res.flushHeaders();
  end.servedTier = servedTier;
  try {
    for (;;) {
      const r = await committed.events.next();
      if (r.done) break;
      const event = r.value;
      if (event.type === 'response.completed') {
        end.usage = event.response.usage;
        end.servedTier = event.response.servedTier;
      }
      const chunk = encoder.event(event);
      if (chunk.length === 0) continue;
      end.firstByteMs ??= deps.clock.now() - ctx.startedAt;
      if (!writeBatched(res, chunk)) await waitForDrain(res, ctx.clientSignal);
    }
    if (end.usage === null) throw new FlexError('upstream_error', { status: 502, detail: 'The provider stream ended without a final response.' });
    res.end(encoder.end());
    end.status = 'completed';
  } catch (err) {
    if (clientLeft(ctx)) throw err;
    // Bytes were sent: the failure becomes the dialect's in-stream error event.
    const flexErr = toFlexError(err);
    deps.log.warn({ requestId: ctx.requestId, code: flexErr.code, status: flexErr.status }, 'stream failed after commit');
    res.end(encoder.error(flexErr));
    end.status = 'failed';
    end.errorCode = flexErr.code;
  }
}

/**
 * Events decoded from one upstream chunk are rendered in one run of microtasks; corking until the
 * next tick sends them in one socket write instead of one system call per event.
 */
function writeBatched(res: ServerResponse, chunk: string): boolean {
  if (res.writableCorked === 0) {
    res.cork();
    process.nextTick(() => res.uncork());
  }
  return res.write(chunk);
}

function waitForDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const gone = (): void => {
      cleanup();
      reject(signal.reason instanceof Error ? signal.reason : new Error('client disconnected'));
    };
    const done = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      res.off('drain', done);
      res.off('close', gone);
      signal.removeEventListener('abort', gone);
    };
    if (signal.aborted || res.destroyed) return gone();
    res.on('drain', done);
    res.once('close', gone);
    signal.addEventListener('abort', gone, { once: true });
  });
}

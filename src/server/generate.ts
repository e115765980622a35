// One generation request, end to end: checks in the documented order, the tier plan, the race,
// then the answer (assembled or streamed) in the caller's dialect, and its ledger row.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CanonicalStreamEvent, OutputItem, ProviderName, Route, ServedTier, Warning } from '../canonical/types.js';
import { providerForModel } from '../catalog/catalog.js';
import { FlexError, toFlexError } from '../errors/catalog.js';
import { withoutSecrets } from '../errors/redact.js';
import type { Committed } from '../routing/flex-race.js';
import { runPlan, type PlanRun } from '../routing/run-plan.js';
import { parseStartWithin } from '../routing/start-within.js';
import { checkTierChoice, planTier } from '../routing/tier-plan.js';
import type { TierPlan } from '../routing/tier-plan.js';
import type { StartWithin } from '../routing/start-within.js';
import type { Provider } from '../providers/provider.js';
import type { DecodedRequest, Surface } from '../surfaces/surface.js';
import type { ApiKeyRecord, KeySettings } from '../store/store.js';
import type { RequestRecord } from '../telemetry/record.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { LedgerEntryEnd } from '../usage/ledger.js';
import { warningsHeader } from '../usage/warnings.js';
import type { GatewayDeps } from './deps.js';
import { startHeartbeat } from './heartbeat.js';
import { readBody } from './http.js';
import { keepOutputItems, resolveItemReferences } from './kept-items.js';
import { refuseForeignNative } from './native-fields.js';
import { checkModelAllowed, requestedStartWithin } from './key-limits.js';

export interface RequestContext {
  requestId: string;
  startedAt: number;
  key: ApiKeyRecord;
  /** The key's settings (default start_within, allowed models), when it has any. */
  settings: KeySettings | undefined;
  /** Aborted when the client goes away before the answer is complete. */
  clientSignal: AbortSignal;
  /** What the request leaves for the access log, its span and the metrics. */
  record: RequestRecord;
  telemetry: Telemetry;
}

/**
 * Every provider key this request's errors could quote: the one it used, the organization's own and
 * the deployment-wide ones, for all providers (looked up only when an error is about to leave).
 */
async function providerKeysOf(deps: GatewayDeps, orgId: string, used: string): Promise<string[]> {
  const keys = [used];
  for (const provider of ['openai', 'gemini', 'anthropic'] as const) {
    const deployment = deps.config[provider].apiKey;
    if (deployment !== undefined) keys.push(deployment);
    // Best effort: the key actually used is already in the list if the store cannot answer now.
    const own = await deps.providerKeys.resolve(orgId, provider).catch(() => undefined);
    if (own && !own.emulated) keys.push(own.apiKey);
  }
  return keys;
}

const NO_KEY_CODE = { openai: 'no_byok_key', gemini: 'no_gemini_key', anthropic: 'no_anthropic_key' } as const;

function parseJsonObject(bytes: Buffer, example: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? err.message : 'unreadable body';
    throw new FlexError('invalid_json', { detail: `The request body is not valid JSON (${why}).`, example });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new FlexError('invalid_json', { detail: 'The request body must be a JSON object.', example });
  }
  return body as Record<string, unknown>;
}

/** `"max_output_tokens": 1024`, nested for a dotted path (`"generation_config": {"max_output_tokens": 1024}`). */
function limitExample(param: string): string {
  return param
    .split('.')
    .reduceRight((inner, key) => `{"${key}": ${inner}}`, '1024')
    .slice(1, -1);
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
  /** What decoding and resolving item references changed, before any provider saw the request. */
  warnings: Warning[];
  apiKey: string;
  upstream: Provider;
}

/** The documented check order after auth: size → JSON → model → start_within → field rules → key. */
async function checkRequest(deps: GatewayDeps, surface: Surface, req: IncomingMessage, ctx: RequestContext): Promise<CheckedRequest> {
  const body = parseJsonObject(await readBody(req, deps.config.maxBodyBytes), surface.exampleBody);
  const model = requireModel(body);
  const provider: ProviderName = providerForModel(model);
  ctx.record.model = model.length > 200 ? `${model.slice(0, 200)}…` : model;
  ctx.record.provider = provider;
  checkModelAllowed(model, ctx.settings);
  const startWithin = parseStartWithin(requestedStartWithin(body, req.headers, ctx.settings));
  ctx.record.startWithin = startWithin.raw;
  checkTierChoice({ model, provider, startWithin }, deps.catalog);
  const decoded = surface.decode(body);
  refuseForeignNative(decoded.request, provider);
  const dropped = await resolveItemReferences({ store: deps.store, orgId: ctx.key.orgId, request: decoded.request, provider, now: Date.now() });
  const outputLimit = decoded.request.maxOutputTokens;
  const plan = planTier({ model, provider, startWithin, stream: body.stream === true, ...(outputLimit === undefined ? {} : { outputLimit }) }, deps);
  if (provider === 'anthropic' && decoded.request.maxOutputTokens === undefined) {
    throw new FlexError('missing_max_tokens', {
      param: surface.maxTokensParam,
      detail: `\`${surface.maxTokensParam}\` is required for ${model}.`,
      example: limitExample(surface.maxTokensParam),
    });
  }
  const key = await deps.providerKeys.resolve(ctx.key.orgId, provider);
  const upstream = key?.emulated ? deps.emulatorProviders[provider] : deps.providers[provider];
  if (key === undefined || upstream === undefined) throw new FlexError(NO_KEY_CODE[provider]);
  return { model, provider, startWithin, plan, decoded, warnings: [...decoded.warnings, ...dropped], apiKey: key.apiKey, upstream };
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
  const { model, provider, startWithin, plan, decoded, warnings, apiKey, upstream } = await checkRequest(deps, surface, req, ctx);
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
  /** The error without any provider key in its text (before it reaches the caller or a log line). */
  const scrub = async (err: FlexError): Promise<FlexError> => withoutSecrets(err, await providerKeysOf(deps, ctx.key.orgId, apiKey));
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
    observer: ctx.telemetry.attempts(ctx.record, { provider, model }),
    onRerun: (err) => {
      void scrub(toFlexError(err)).then((clean) => deps.log.warn({ requestId: ctx.requestId, err: clean.message }, 'flex failed after admission; re-running on standard'));
    },
  });
  try {
    const args: AnswerArgs = { res, decoded, warnings, run, ctx, end, deps, scrub };
    if (decoded.stream) await streamAnswer(args, await run.open());
    else await jsonAnswer(args);
  } catch (err) {
    const disconnected = clientLeft(ctx);
    end.status = disconnected ? 'disconnected' : 'failed';
    end.errorCode = disconnected ? 'client_disconnected' : toFlexError(err).code;
    throw err instanceof FlexError ? await scrub(err) : err;
  } finally {
    // An answer that ended on our side before its upstream completed must not leave it running.
    if (end.status !== 'completed') run.cancel();
    else run.completed({ streamed: decoded.stream });
    // The access log line and the ledger row carry what the answer's header said.
    const changed = answerWarnings(warnings, run.attempt);
    ctx.record.warnings = changed;
    const admittedAt = run.attempt?.admittedAt;
    ctx.record.row = closeLedger({
      ...end,
      warnings: changed,
      route: run.route,
      admissionMs: admittedAt === undefined ? null : admittedAt - ctx.startedAt,
      durationMs: deps.clock.now() - ctx.startedAt,
    });
  }
}

/** What the answer learns as it goes; the route, admission and warnings come from the plan run. */
type LedgerProgress = Omit<LedgerEntryEnd, 'durationMs' | 'route' | 'admissionMs' | 'warnings'>;

/**
 * What was changed to fit the request: while decoding it, then while converting it for the
 * attempt that served (each attempt converts on its own, so a lost flex attempt adds nothing).
 */
function answerWarnings(decoding: readonly Warning[], served: Committed | undefined): Warning[] {
  return served === undefined ? [...decoding] : [...decoding, ...served.warnings];
}

/** The headers that explain the answer (docs/product.md §4 and §7). */
function decisionHeaders(servedTier: ServedTier, route: Route, warnings: readonly Warning[]): Record<string, string> {
  const changed = warningsHeader(warnings);
  return {
    // What the provider says it served, as the body says.
    'x-flexinference-tier': servedTier,
    'x-flexinference-route': route,
    ...(changed === undefined ? {} : { 'x-flexinference-warnings': changed }),
  };
}

interface AnswerArgs {
  res: ServerResponse;
  decoded: DecodedRequest;
  /** Decoding's warnings; the serving attempt's are added to them. */
  warnings: readonly Warning[];
  run: PlanRun;
  ctx: RequestContext;
  end: LedgerProgress;
  deps: GatewayDeps;
  scrub: (err: FlexError) => Promise<FlexError>;
}

/** A non-streaming caller: assemble (routing re-runs a failed flex answer), then answer once. */
async function jsonAnswer({ res, decoded, warnings, run, ctx, end, deps }: AnswerArgs): Promise<void> {
  const { response, served } = await run.assemble();
  const servedTier = response.servedTier;
  if (decoded.keepOutput) await keepItems(deps, ctx, response.output);
  const payload = JSON.stringify(decoded.encodeResponse(response, { servedTier, requestId: ctx.requestId, docsBaseUrl: deps.config.publicUrl }));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...decisionHeaders(servedTier, served.route, answerWarnings(warnings, served)),
  });
  end.firstByteMs = deps.clock.now() - ctx.startedAt;
  res.end(payload);
  Object.assign(end, { status: 'completed', servedTier, usage: response.usage });
}

/**
 * The events up to the provider's `response.created`, read before the headers: it may say which tier
 * the provider is serving on (Anthropic does), so the header and the body report the same one.
 */
async function readHead(events: AsyncIterator<CanonicalStreamEvent>): Promise<{ head: CanonicalStreamEvent[]; servedTier?: ServedTier }> {
  const head: CanonicalStreamEvent[] = [];
  for (;;) {
    const r = await events.next();
    if (r.done) return { head };
    head.push(r.value);
    if (r.value.type === 'response.created') return r.value.servedTier ? { head, servedTier: r.value.servedTier } : { head };
    if (r.value.type !== 'admitted') return { head };
  }
}

async function streamAnswer({ res, decoded, warnings, run, ctx, end, deps, scrub }: AnswerArgs, committed: Committed): Promise<void> {
  const { head, servedTier: saidServed } = await readHead(committed.events);
  const servedTier = saidServed ?? run.servedTier();
  const encoder = decoded.createStreamEncoder({ servedTier, requestId: ctx.requestId, docsBaseUrl: deps.config.publicUrl });
  // The head's events are written in this same tick: corked, the headers go out with them in one
  // socket write instead of one of their own (alone at the next tick when the head wrote nothing).
  corkUntilNextTick(res);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...decisionHeaders(servedTier, committed.route, answerWarnings(warnings, committed)),
  });
  res.flushHeaders();
  end.servedTier = servedTier;
  const heartbeat = startHeartbeat(res, deps.config.streamHeartbeatMs);
  const closeStream = ctx.telemetry.streamOpened();
  try {
    // The head read before the headers first, then the rest: a plain iterator, no generator per stream.
    for (let i = 0; ; i++) {
      let event: CanonicalStreamEvent;
      if (i < head.length) event = head[i] as CanonicalStreamEvent;
      else {
        const r = await committed.events.next();
        if (r.done) break;
        event = r.value;
      }
      if (event.type === 'response.completed') {
        end.usage = event.response.usage;
        end.servedTier = event.response.servedTier;
        // Kept before the caller sees the end, so its next request can already name the items.
        if (decoded.keepOutput) await keepItems(deps, ctx, event.response.output);
      }
      const chunk = encoder.event(event);
      if (chunk.length === 0) continue;
      end.firstByteMs ??= deps.clock.now() - ctx.startedAt;
      heartbeat.wrote();
      if (!writeBatched(res, chunk)) await waitForDrain(res, ctx.clientSignal);
    }
    if (end.usage === null) throw new FlexError('upstream_error', { status: 502, detail: 'The provider stream ended without a final response.' });
    endBatched(res, encoder.end());
    end.status = 'completed';
  } catch (err) {
    if (clientLeft(ctx)) throw err;
    // Bytes were sent: the failure becomes the dialect's in-stream error event.
    const flexErr = await scrub(toFlexError(err));
    deps.log.warn({ requestId: ctx.requestId, code: flexErr.code, status: flexErr.status }, 'stream failed after commit');
    endBatched(res, encoder.error(flexErr));
    end.status = 'failed';
    end.errorCode = flexErr.code;
  } finally {
    heartbeat.stop();
    closeStream();
  }
}

/**
 * Events decoded from one upstream chunk are rendered in one run of microtasks; corking until the
 * next tick sends them in one socket write instead of one system call per event.
 */
function writeBatched(res: ServerResponse, chunk: string): boolean {
  corkUntilNextTick(res);
  return res.write(chunk);
}

function corkUntilNextTick(res: ServerResponse): void {
  if (res.writableCorked > 0) return;
  res.cork();
  process.nextTick(() => res.uncork());
}

/** Keeps the answer's output items for `item_reference`; a store failure costs the caller only that. */
async function keepItems(deps: GatewayDeps, ctx: RequestContext, output: readonly OutputItem[]): Promise<void> {
  try {
    await keepOutputItems(deps.store, ctx.key.orgId, output, Date.now());
  } catch (err) {
    deps.log.warn({ requestId: ctx.requestId, err: toFlexError(err).message }, 'output items not kept');
  }
}

/**
 * Ends a response that may still be corked by `writeBatched`. Node 22 drops the corked writes when
 * `end()` is called before the uncork (seen on 22.23; 20 and 24 flush them), so uncork first.
 */
function endBatched(res: ServerResponse, chunk: string): void {
  while (res.writableCorked > 0) res.uncork();
  res.end(chunk);
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

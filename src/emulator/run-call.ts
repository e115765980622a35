// One request's life after it was parsed: the capacity decision (refuse, delay, fail mid-stream),
// scripted directives on top, then the answer as a stream or a JSON body. Every wait is an
// abortable sleep, so a closed client socket stops all timers at once.
import type { ServerResponse } from 'node:http';
import { drawCapacity, resolveCapacity } from './capacity.js';
import type { Dialect, HttpReply, PreparedCall, Renderer } from './dialect.js';
import { parseScript, type Script } from './directives.js';
import { buildReply, type Reply } from './reply.js';
import { sleep, untilAborted, writePaced } from './sse.js';
import type { InternalState } from './state.js';
import type { EmulatorRequestLog, RequestOutcome } from './types.js';

export interface CallArgs {
  res: ServerResponse;
  dialect: Dialect;
  prepared: PreparedCall;
  log: EmulatorRequestLog;
  state: InternalState;
  signal: AbortSignal;
  /** Headers every answer carries (request id). */
  baseHeaders: Record<string, string>;
}

interface Plan {
  delayMs: number;
  failMidstream: boolean;
  silence: boolean;
  tokensPerSecond: number;
  timeScale: number;
}

export function sendJson(res: ServerResponse, reply: HttpReply, baseHeaders: Record<string, string>, dialect?: Dialect): void {
  const finished = reply.status >= 400 && dialect?.finishError ? dialect.finishError(reply, baseHeaders) : reply;
  const body = JSON.stringify(finished.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...baseHeaders,
    ...finished.headers,
  });
  res.end(body);
}

export async function runCall(c: CallArgs): Promise<RequestOutcome> {
  const { ask } = c.prepared;
  const { options } = c.state;
  const script = parseScript(ask.lastUserText);
  const capacity = resolveCapacity({
    profile: options.profile,
    overrides: options.capacity,
    api: c.dialect.api,
    model: ask.model,
    tier: ask.tier,
    tierClass: ask.tierClass,
    elapsedMs: Date.now() - c.state.startedAt,
    timeScale: options.timeScale,
  });
  // Keyed by the request, not its tier: the first call of a request on any tier draws the same
  // quantile of that tier's delay distribution (a request's own start time is shared; the tier
  // changes the distribution). Comparing policies then measures the policy, not which random
  // numbers each pass happened to draw. A repeat on the same tier (a retry) draws afresh.
  const rng = c.state.rngFor([c.dialect.api, ask.model, ask.lastUserText], ask.tier);
  const draw = drawCapacity(capacity, rng, options.timeScale);
  const isFlex = ask.tierClass === 'flex';
  const errorStatus = script.errorStatus ?? (isFlex ? script.flexErrorStatus : undefined);
  if (errorStatus !== undefined) {
    sendJson(c.res, c.dialect.statusError(errorStatus), c.baseHeaders, c.dialect);
    return 'error';
  }
  if ((isFlex && script.flexRefuse) || draw.refused) {
    const reply = draw.outage && !isFlex ? c.dialect.outage(ask) : c.dialect.refusal(ask, rng);
    sendJson(c.res, reply, c.baseHeaders, c.dialect);
    return 'refused';
  }
  const plan: Plan = {
    delayMs: scriptedDelay(script, isFlex) ?? draw.admissionDelayMs,
    failMidstream: script.failMidstream || (isFlex && script.flexFailMidstream) || draw.failMidstream,
    silence: script.silence,
    tokensPerSecond: draw.tokensPerSecond,
    timeScale: options.timeScale,
  };
  const renderer = c.prepared.render({ rng, receivedAt: c.log.receivedAt });
  const reply = buildReply(ask, script, options.seed);
  return ask.stream ? streamCall(c, renderer, reply, plan) : jsonCall(c, renderer, reply, plan);
}

function scriptedDelay(script: Script, isFlex: boolean): number | undefined {
  return script.delayMs ?? (isFlex ? script.flexDelayMs : undefined);
}

async function streamCall(c: CallArgs, renderer: Renderer, reply: Reply, plan: Plan): Promise<RequestOutcome> {
  const { res, signal, dialect } = c;
  if (!dialect.headersBeforeAdmission && !(await sleep(plan.delayMs, signal))) return 'aborted';
  res.writeHead(200, { ...dialect.streamHeaders, 'cache-control': 'no-cache', ...c.baseHeaders });
  if (plan.silence) {
    res.flushHeaders();
    await untilAborted(signal);
    return 'aborted';
  }
  const preamble = renderer.preamble();
  if (preamble.length > 0) res.write(preamble.map((f) => f.text).join(''));
  else res.flushHeaders();
  if (c.prepared.lateRefusal) {
    res.end(renderer.failure(c.prepared.lateRefusal).map((f) => f.text).join(''));
    return 'error';
  }
  if (dialect.headersBeforeAdmission && !(await sleep(plan.delayMs, signal))) return 'aborted';
  let frames = renderer.answer(reply);
  let outcome: RequestOutcome = 'completed';
  if (plan.failMidstream) {
    frames = [...frames.slice(0, renderer.failurePoint(frames)), ...renderer.failure()];
    outcome = 'failed_midstream';
  }
  c.log.admittedAt = Date.now();
  const written = await writePaced(res, frames, { tokensPerSecond: plan.tokensPerSecond, timeScale: plan.timeScale, signal });
  if (!written) return 'aborted';
  res.end();
  return outcome;
}

/** Time to generate `tokens` at the tier's pace (0 when unpaced). */
function generationMs(tokens: number, plan: Plan): number {
  if (!Number.isFinite(plan.tokensPerSecond) || plan.tokensPerSecond <= 0) return 0;
  return (tokens / plan.tokensPerSecond) * 1000 * plan.timeScale;
}

async function jsonCall(c: CallArgs, renderer: Renderer, reply: Reply, plan: Plan): Promise<RequestOutcome> {
  const { res, signal } = c;
  if (c.prepared.lateRefusal) {
    sendJson(res, c.prepared.lateRefusal, c.baseHeaders, c.dialect);
    return 'error';
  }
  if (plan.silence) {
    await untilAborted(signal);
    return 'aborted';
  }
  if (!(await sleep(plan.delayMs, signal))) return 'aborted';
  c.log.admittedAt = Date.now();
  const genMs = generationMs(reply.usage.outputTokens, plan);
  if (plan.failMidstream) {
    if (!(await sleep(genMs / 2, signal))) return 'aborted';
    sendJson(res, c.dialect.serverError(), c.baseHeaders, c.dialect);
    return 'failed_midstream';
  }
  if (!(await sleep(genMs, signal))) return 'aborted';
  sendJson(res, { status: 200, body: renderer.body(reply) }, c.baseHeaders);
  return 'completed';
}

// The OpenAI provider: POST {baseUrl}/responses, always streamed, parsed into canonical events.
// https://platform.openai.com/docs/api-reference/responses/create
import { Agent, request, type Dispatcher } from 'undici';
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import { isFlexError, toFlexError } from '../../errors/catalog.js';
import type { Provider, ProviderCall } from '../provider.js';
import { convertRequest } from './convert-request.js';
import { errorCode, httpError, malformedEventError, endedEarlyError, transportError } from './map-error.js';
import { createOpenAIStreamParser, type OpenAIStreamParser } from './parse-stream.js';
import { createSseJsonDecoder, type SseItem } from './sse.js';

export { convertRequest, serviceTierFor } from './convert-request.js';
export { isReasoningModel } from './model-rules.js';
export { createOpenAIStreamParser, type OpenAIStreamParser } from './parse-stream.js';

export interface OpenAIProviderOptions {
  /** SDK convention: includes `/v1`, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  /** Replaces the provider's own keep-alive Agent (tests, proxies). */
  dispatcher?: Dispatcher;
  /** Longest silence tolerated while waiting for headers or between body chunks. */
  idleTimeoutMs?: number;
}

export interface OpenAIProvider extends Provider {
  /** Closes the provider's own connection pool (not a dispatcher passed in). */
  close(): Promise<void>;
}

/** OpenAI advises 15-minute client timeouts for flex (https://platform.openai.com/docs/guides/flex-processing). */
const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

interface CallContext {
  call: ProviderCall;
  endpoint: string;
  origin: string;
  dispatcher: Dispatcher;
  idleTimeoutMs: number;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): OpenAIProvider {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/responses`;
  const origin = new URL(endpoint).origin;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // One pooled keep-alive Agent per provider instance, unless the caller brings a dispatcher.
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: idleTimeoutMs, bodyTimeout: idleTimeoutMs })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? ownAgent ?? new Agent();
  return {
    name: 'openai',
    stream: (call) => streamCall({ call, endpoint, origin, dispatcher, idleTimeoutMs }),
    close: async () => {
      await ownAgent?.close();
    },
  };
}

async function* streamCall(ctx: CallContext): AsyncGenerator<CanonicalStreamEvent, void, undefined> {
  const { signal } = ctx.call;
  const response = await send(ctx);
  let finished = false;
  try {
    if (response.statusCode >= 400) {
      const text = await response.body.text();
      finished = true;
      throw httpError(response.statusCode, text);
    }
    const parser = createOpenAIStreamParser();
    const sse = createSseJsonDecoder();
    // destroyOnReturn:false — leaving the loop after the final event must not kill a connection
    // the pool can reuse; the body is released (drained) or discarded explicitly instead.
    for await (const chunk of response.body.iterator({ destroyOnReturn: false })) {
      const { events, error } = toCanonical(sse.feed(chunk as Uint8Array), parser);
      if (parser.done) {
        // Released before the final event is handed over: a consumer may stop right there.
        finished = true;
        release(response.body);
      }
      yield* events;
      if (error !== undefined) throw error;
      if (parser.done) return;
    }
    const { events, error } = toCanonical(sse.end(), parser);
    yield* events;
    if (error !== undefined) throw error;
    parser.end();
    finished = true;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (isFlexError(err)) throw err;
    throw bodyReadError(err, ctx.origin);
  } finally {
    if (!finished) discard(response.body);
  }
}

async function send(ctx: CallContext): Promise<Dispatcher.ResponseData> {
  const { call } = ctx;
  if (call.signal.aborted) throw call.signal.reason;
  const body = JSON.stringify(convertRequest({ request: call.request, tier: call.tier }));
  try {
    return await request(ctx.endpoint, {
      method: 'POST',
      dispatcher: ctx.dispatcher,
      signal: call.signal,
      headersTimeout: ctx.idleTimeoutMs,
      bodyTimeout: ctx.idleTimeoutMs,
      headers: {
        ...call.headers,
        authorization: `Bearer ${call.apiKey}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body,
    });
  } catch (err) {
    if (call.signal.aborted) throw call.signal.reason;
    throw transportError(err, ctx.origin);
  }
}

interface Converted {
  events: CanonicalStreamEvent[];
  /** A failure met in this chunk; the events before it are still delivered first. */
  error?: Error;
}

/**
 * Events that precede an in-stream failure in the same network chunk must still reach the
 * consumer before the failure: the race decides admission from them.
 */
function toCanonical(items: SseItem[], parser: OpenAIStreamParser): Converted {
  const events: CanonicalStreamEvent[] = [];
  try {
    for (const item of items) {
      if (item.kind === 'malformed') throw malformedEventError();
      events.push(...parser.push(item.data));
      if (parser.done) break;
    }
  } catch (error) {
    return { events, error: error instanceof Error ? error : new Error(String(error)) };
  }
  return { events };
}

/** Closes the connection of an answer not read to its end (abort, error, consumer stopped). */
function discard(body: Dispatcher.ResponseData['body']): void {
  // Destroying an unfinished undici body emits an AbortError that nothing else listens for.
  body.on('error', () => {});
  body.destroy();
}

/** Drains what little follows the final event so the keep-alive connection returns to the pool. */
function release(body: Dispatcher.ResponseData['body']): void {
  if (body.readableEnded) return;
  body.dump({ limit: Number.MAX_SAFE_INTEGER }).catch(() => discard(body));
}

/** A failure while reading an answer whose headers arrived. */
function bodyReadError(err: unknown, origin: string): Error {
  const code = errorCode(err);
  if (code === undefined) return toFlexError(err);
  if (code === 'UND_ERR_BODY_TIMEOUT') return transportError(err, origin);
  return endedEarlyError(`connection lost: ${code}`);
}

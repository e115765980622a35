// The Gemini provider: canonical request + tier → `POST {baseUrl}/v1beta/interactions` (always
// streamed) → canonical stream events. https://ai.google.dev/api/interactions-api
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import { isFlexError, toFlexError } from '../../errors/catalog.js';
import type { Provider, ProviderCall } from '../provider.js';
import { convertRequest } from './convert-request.js';
import { httpError, malformedEvent, networkError } from './map-error.js';
import { createGeminiStreamParser } from './parse-stream.js';
import { readSse } from './sse.js';

export interface GeminiProviderOptions {
  /** e.g. `https://generativelanguage.googleapis.com` (no trailing path). */
  baseUrl: string;
  /** Defaults to one pooled Agent per provider instance. */
  dispatcher?: Dispatcher;
}

// Gemini flex targets minutes, not seconds, to start (https://ai.google.dev/gemini-api/docs/flex-inference);
// the caller's AbortSignal bounds each attempt, so undici's own idle timers are kept generous.
const UPSTREAM_IDLE_TIMEOUT_MS = 15 * 60 * 1000;
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 5_000;

export function createGeminiProvider(options: GeminiProviderOptions): Provider {
  const dispatcher =
    options.dispatcher ?? new Agent({ headersTimeout: UPSTREAM_IDLE_TIMEOUT_MS, bodyTimeout: UPSTREAM_IDLE_TIMEOUT_MS });
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1beta/interactions`;
  return {
    name: 'gemini',
    stream: (call) => streamInteraction(url, dispatcher, call),
  };
}

async function* streamInteraction(url: string, dispatcher: Dispatcher, call: ProviderCall): AsyncGenerator<CanonicalStreamEvent> {
  const body = JSON.stringify(convertRequest(call.request, call.tier));
  const response = await send(url, dispatcher, call, body);
  const parser = createGeminiStreamParser({ model: call.request.model, tier: call.tier });
  try {
    // Not destroyed on early exit, so a completed answer can hand its connection back (releaseBody).
    const chunks = response.body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
    for await (const item of readSse(chunks)) {
      if (item.type === 'done') break;
      if (item.type === 'malformed') throw malformedEvent(item.reason);
      for (const event of parser.push(parseData(item.data))) yield event;
      if (parser.completed) return;
    }
    parser.end();
  } catch (err) {
    throw failure(err, call.signal);
  } finally {
    releaseBody(response.body, parser.completed);
  }
}

/**
 * After `interaction.completed` only `[DONE]` is left: read it (bounded) so the pooled connection
 * is reused. Anything unfinished (failure, abort, consumer gone) closes the connection.
 */
function releaseBody(body: Dispatcher.ResponseData['body'], completed: boolean): void {
  if (body.readableEnded || body.destroyed) return;
  if (!completed) {
    // undici reports its own destroy as an 'error' (RequestAbortedError); nobody reads it now.
    body.on('error', () => undefined);
    body.destroy();
    return;
  }
  void body.dump({ limit: DRAIN_LIMIT_BYTES, signal: AbortSignal.timeout(DRAIN_TIMEOUT_MS) }).catch(() => undefined);
}

async function send(url: string, dispatcher: Dispatcher, call: ProviderCall, body: string): Promise<Dispatcher.ResponseData> {
  let response: Dispatcher.ResponseData;
  try {
    response = await undiciRequest(url, {
      method: 'POST',
      dispatcher,
      signal: call.signal,
      headers: {
        ...call.headers,
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-goog-api-key': call.apiKey,
      },
      body,
    });
  } catch (err) {
    throw failure(err, call.signal);
  }
  if (response.statusCode >= 400) {
    const text = await readText(response, call.signal);
    throw httpError(response.statusCode, text);
  }
  return response;
}

async function readText(response: Dispatcher.ResponseData, signal: AbortSignal): Promise<string> {
  try {
    return await response.body.text();
  } catch {
    if (signal.aborted) throw signal.reason;
    return '';
  }
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw malformedEvent(data);
  }
}

/**
 * Abort wins (the caller handles its own reason); FlexErrors pass; errors carrying a system or
 * undici `code` (ECONNREFUSED, UND_ERR_SOCKET, …) are the network; anything else is our fault.
 */
function failure(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (isFlexError(err)) return err;
  if (typeof (err as { code?: unknown } | null)?.code === 'string') return networkError(err);
  return toFlexError(err);
}

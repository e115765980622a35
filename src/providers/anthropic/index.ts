// The Anthropic provider: canonical request → POST /v1/messages (always streamed) → canonical events.
// https://platform.claude.com/docs/en/api/messages
import { Agent, request, type Dispatcher } from 'undici';
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import { FlexError, isFlexError } from '../../errors/catalog.js';
import type { Provider, ProviderCall } from '../provider.js';
import { convertRequest } from './convert-request.js';
import { earlyEndError, httpError } from './map-error.js';
import { createAnthropicStreamTransform } from './parse-stream.js';
import { readAnthropicEvents } from './sse.js';

export interface AnthropicProviderOptions {
  /** e.g. `https://api.anthropic.com` (no `/v1`). */
  baseUrl: string;
  /** Connection pool to use; by default the provider owns one keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Clock in epoch milliseconds (tests); defaults to Date.now. */
  now?: () => number;
}

/** The API version this adapter speaks; newer features are opted into per request, not by version. */
export const ANTHROPIC_VERSION = '2023-06-01';

interface Context {
  url: string;
  dispatcher: Dispatcher;
  now: () => number;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const context: Context = {
    url: `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`,
    dispatcher: options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000 }),
    now: options.now ?? Date.now,
  };
  return {
    name: 'anthropic',
    stream: (call) => streamMessages(context, call),
  };
}

async function* streamMessages(context: Context, call: ProviderCall): AsyncGenerator<CanonicalStreamEvent> {
  const { body, warnings } = convertRequest(call.request, call.tier);
  if (warnings.length > 0) {
    const target = (call.request.warnings ??= []);
    target.push(...warnings.filter((warning) => !target.includes(warning)));
  }
  const response = await send(context, call, JSON.stringify(body));
  if (response.statusCode >= 400) {
    const text = await readText(response.body);
    if (call.signal.aborted) throw call.signal.reason;
    throw httpError(response.statusCode, text);
  }

  const transform = createAnthropicStreamTransform({ now: context.now });
  try {
    for await (const item of readAnthropicEvents(response.body)) {
      if (item.type === 'error') throw item.error;
      const step = transform.push(item.event);
      if (step.type === 'error') throw step.error;
      yield* step.events;
      // Leaving the loop releases the body; nothing after message_stop matters.
      if (transform.done) return;
    }
  } catch (error) {
    throw readFailure(error, call.signal);
  }
  throw earlyEndError();
}

async function send(context: Context, call: ProviderCall, body: string): Promise<Dispatcher.ResponseData> {
  try {
    return await request(context.url, {
      method: 'POST',
      dispatcher: context.dispatcher,
      signal: call.signal,
      headers: {
        ...call.headers,
        'x-api-key': call.apiKey,
        'anthropic-version': ANTHROPIC_VERSION,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body,
    });
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason;
    throw connectFailure(error);
  }
}

function connectFailure(error: unknown): FlexError {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new FlexError('upstream_timeout', { detail: `Anthropic did not answer in time (${code}).`, cause: error });
  }
  return new FlexError('upstream_unavailable', {
    detail: `Anthropic could not be reached${code ? ` (${code})` : ''}.`,
    cause: error,
  });
}

/** A failure while reading a 200 stream: our own errors pass, aborts rethrow the reason. */
function readFailure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (isFlexError(error)) return error;
  if (errorCode(error) === 'UND_ERR_BODY_TIMEOUT') {
    return new FlexError('upstream_timeout', { detail: 'The Anthropic stream stalled.', cause: error });
  }
  return new FlexError('upstream_error', {
    status: 502,
    detail: 'The Anthropic stream ended early: the connection was lost.',
    cause: error,
  });
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  try {
    return await body.text();
  } catch {
    return '';
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

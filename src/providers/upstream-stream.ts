// The one provider transport: the undici request, the stream read through the SSE decoder
// (sse-decoder.ts), the connection release policy, timeouts, and transport errors read once
// (upstream-errors.ts). A provider brings only its URL, headers, converted body, how it reads an
// HTTP error body, and a parser from upstream payloads to canonical events; every abort,
// keep-alive and timeout rule lives here, once.
import { Agent, request, type Dispatcher } from 'undici';
import type { CanonicalStreamEvent, ProviderName, Warning } from '../canonical/types.js';
import { toFlexError, type FlexError } from '../errors/catalog.js';
import type { JsonObject } from './json.js';
import type { Provider, ProviderCall, ProviderStream } from './provider.js';
import { retryAfterFromHeaders } from './retry-after.js';
import { createSseDecoder, type UpstreamEvent } from './sse-decoder.js';
import { connectError, endedEarlyError, idleError, malformedAnswerError, malformedEventError, readFailure } from './upstream-errors.js';


export interface UpstreamTimeouts {
  /** Longest wait for the response headers once the request is sent (FLEX_UPSTREAM_HEADERS_TIMEOUT_MS). */
  headersMs: number;
  /**
   * Longest silence between two upstream events, keep-alives and comments included
   * (FLEX_UPSTREAM_IDLE_TIMEOUT_MS). Bytes that never complete an event do not count: a trickle is
   * silence.
   */
  idleMs: number;
}

/**
 * A silent upstream is a failed upstream, on every tier (docs/product.md, the flex race, rule 7).
 * Flex may queue for minutes, but it says so with events; OpenAI's 15-minute advice for flex is
 * the ceiling of a whole request, not a licence for silence.
 */
export const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = { headersMs: 60_000, idleMs: 120_000 };
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** After the final event only a terminator may follow: read this much more to keep the connection. */
const RELEASE_LIMIT_BYTES = 64 * 1024;
const RELEASE_TIMEOUT_MS = 5_000;
/**
 * A whole answer is asked for only when its learned finish time (a p99.9) fits this many times in
 * the headers timeout, so the tail of slow answers stays far from failing on that timeout.
 */
const WHOLE_ANSWER_MARGIN = 4;

/** A provider's stream parser: one upstream payload in, canonical events out. */
export interface UpstreamParser {
  /** Throws a FlexError for an in-stream failure (error event, failed response). */
  push(event: UpstreamEvent): CanonicalStreamEvent[];
  /** True once the final canonical event (`response.completed`) was produced. */
  readonly done: boolean;
}

export interface UpstreamCall {
  provider: ProviderName;
  url: string;
  headers: Record<string, string>;
  /** The converted request body (JSON text). */
  body: string;
  /** Aborts the attempt (client disconnect, race deadline, lost race); its reason is rethrown. */
  signal: AbortSignal;
  parser: UpstreamParser;
  /**
   * The provider's reading of an HTTP error answer (tolerant of empty and non-JSON bodies), with
   * the wait its headers asked for before a retry (`retry-after-ms` / `Retry-After`), if any.
   */
  httpError(status: number, bodyText: string, retryAfterMs: number | undefined): FlexError;
  /**
   * Set when the body asks for the whole answer at once (not streamed): turns that answer (a JSON
   * object) into the one upstream event the parser ends with.
   */
  wholeAnswer?: (answer: JsonObject) => UpstreamEvent;
}

export interface UpstreamTransport {
  /**
   * POSTs the call and yields the parser's canonical events in order: as they stream in, or, for a
   * call that asks for the whole answer, all once it has arrived.
   */
  stream(call: UpstreamCall): AsyncGenerator<CanonicalStreamEvent, void, undefined>;
  /**
   * Whether a whole answer expected within `withinMs` fits this transport's timeouts: it sends
   * nothing before it is complete, so its time to finish is a wait for headers.
   */
  takesWhole(withinMs: number): boolean;
  /** Closes the transport's own connection pool (not a dispatcher passed in). */
  close(): Promise<void>;
}

export interface UpstreamTransportOptions {
  /** Replaces the transport's own keep-alive Agent (tests, proxies). */
  dispatcher?: Dispatcher;
  timeouts?: Partial<UpstreamTimeouts>;
}

export function createUpstreamTransport(options: UpstreamTransportOptions = {}): UpstreamTransport {
  const timeouts: UpstreamTimeouts = { ...DEFAULT_UPSTREAM_TIMEOUTS, ...options.timeouts };
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: timeouts.headersMs, bodyTimeout: 0 })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? ownAgent ?? new Agent();
  return {
    stream: (call) => (call.wholeAnswer === undefined ? streamCall(dispatcher, timeouts, call) : wholeCall(dispatcher, timeouts, call, call.wholeAnswer)),
    takesWhole: (withinMs) => timeouts.headersMs <= 0 || withinMs * WHOLE_ANSWER_MARGIN <= timeouts.headersMs,
    close: async () => {
      await ownAgent?.close();
    },
  };
}

/** A provider over the transport, closable when it owns its transport. */
export interface UpstreamProvider extends Provider {
  /** Closes the provider's own transport (not one passed in). */
  close(): Promise<void>;
}

/**
 * What a provider makes of one call: everything the transport needs but the name and the signal,
 * which the call brings, and what the conversion changed to fit.
 */
export interface UpstreamRequest extends Omit<UpstreamCall, 'provider' | 'signal'> {
  warnings: readonly Warning[];
}

/**
 * A provider as the three are built: its name and its translation of a call into an upstream
 * request, over the given transport or one of its own. The request is converted when the call is
 * made, so its warnings are known before the first event; a conversion that refuses the request
 * fails the iterator like any upstream error (the provider contract), never `stream()` itself.
 * `whole` tells the translation that the call may ask for the whole answer at once (the call
 * allows it and the transport's timeouts fit it); a provider that cannot streams anyway.
 */
export function createUpstreamProvider(
  name: ProviderName,
  given: UpstreamTransport | undefined,
  toRequest: (call: ProviderCall, whole: boolean) => UpstreamRequest,
): UpstreamProvider {
  const transport = given ?? createUpstreamTransport();
  return {
    name,
    stream: (call) => {
      let request: UpstreamRequest;
      try {
        request = toRequest(call, call.wholeWithinMs !== undefined && transport.takesWhole(call.wholeWithinMs));
      } catch (err) {
        return refusedStream(err);
      }
      const { warnings, ...upstream } = request;
      // Extra headers (W3C trace context) never override the provider's own.
      const headers = call.headers ? { ...call.headers, ...upstream.headers } : upstream.headers;
      const events = transport.stream({ ...upstream, headers, provider: name, signal: call.signal });
      return { warnings, [Symbol.asyncIterator]: () => events };
    },
    close: () => (given === undefined ? transport.close() : Promise.resolve()),
  };
}

/** The stream of a call whose conversion failed: the first `next()` rejects with the failure. */
function refusedStream(err: unknown): ProviderStream {
  return {
    warnings: [],
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        throw err;
      },
    }),
  };
}

type Body = Dispatcher.ResponseData['body'];

async function* streamCall(
  dispatcher: Dispatcher,
  timeouts: UpstreamTimeouts,
  call: UpstreamCall,
): AsyncGenerator<CanonicalStreamEvent, void, undefined> {
  const { parser } = call;
  const response = await send(dispatcher, timeouts, call);
  const body = response.body;
  // Set once the body is released (complete answer) or has ended; otherwise it is discarded.
  let settled = false;
  const idle = watchIdle(timeouts.idleMs, () => discard(body, idleError(call.provider, timeouts.idleMs)));
  try {
    const reader = createChunkReader(call, () => idle.touch());
    // destroyOnReturn:false — leaving the loop after the final event must not kill a connection
    // the pool can reuse; the body is released or discarded explicitly instead.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>) {
      reader.feed(chunk);
      if (parser.done) {
        // Released before the final event is handed over: a consumer may stop right there.
        settled = true;
        idle.stop();
        release(body, reader.bytesRead);
      }
      if (reader.events.length > 0) {
        // Time the consumer takes (a slow client, backpressure) is not the upstream's silence.
        idle.hold();
        for (const event of reader.events) yield event;
        reader.events.length = 0;
        idle.resume();
      }
      if (reader.failure !== undefined) throw reader.failure;
      if (parser.done) return;
    }
    settled = true;
    reader.end();
    for (const event of reader.events) yield event;
    if (reader.failure !== undefined) throw reader.failure;
    if (!parser.done) throw endedEarlyError(call.provider);
  } catch (err) {
    throw readFailure(err, call.provider, call.signal);
  } finally {
    idle.stop();
    if (!settled) discard(body);
  }
}

/**
 * A call that asked for the whole answer: the headers arrive when it is complete (their timeout is
 * the wait), then the body is one event, which must be read whole within the idle timeout — bytes
 * that do not complete it are silence, as in a stream.
 */
async function* wholeCall(
  dispatcher: Dispatcher,
  timeouts: UpstreamTimeouts,
  call: UpstreamCall,
  toEvent: (answer: JsonObject) => UpstreamEvent,
): AsyncGenerator<CanonicalStreamEvent, void, undefined> {
  const response = await send(dispatcher, timeouts, call);
  const body = response.body;
  const idle = watchIdle(timeouts.idleMs, () => discard(body, idleError(call.provider, timeouts.idleMs)));
  let events: CanonicalStreamEvent[];
  try {
    const text = await body.text();
    idle.stop();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw malformedAnswerError(call.provider, text);
    events = call.parser.push(toEvent(answer as JsonObject));
  } catch (err) {
    throw readFailure(err, call.provider, call.signal);
  } finally {
    idle.stop();
    if (!body.readableEnded) discard(body);
  }
  if (!call.parser.done) throw endedEarlyError(call.provider, 'the answer was not complete');
  yield* events;
}

/** A watch on one attempt's silence. */
export interface IdleWatch {
  /** A sign of life from the upstream. */
  touch(): void;
  /** The consumer has the events; silence is not counted until `resume`. */
  hold(): void;
  resume(): void;
  stop(): void;
}

/**
 * One timer per attempt, never one per chunk: `touch` only records the time, and when the timer
 * fires it either declares the upstream silent or re-arms itself for the time still left.
 */
export function watchIdle(idleMs: number, onIdle: () => void): IdleWatch {
  const nothing = (): void => undefined;
  if (idleMs <= 0) return { touch: nothing, hold: nothing, resume: nothing, stop: nothing };
  let last = performance.now();
  let held = false;
  const check = (): void => {
    const quiet = held ? 0 : performance.now() - last;
    if (quiet >= idleMs) onIdle();
    else timer = setTimeout(check, idleMs - quiet).unref();
  };
  // Unreferenced: a watch whose attempt was left suspended (its consumer stopped after the final
  // event) must not keep the process alive at shutdown.
  let timer = setTimeout(check, idleMs).unref();
  return {
    touch: () => {
      last = performance.now();
    },
    hold: () => {
      held = true;
    },
    resume: () => {
      held = false;
      last = performance.now();
    },
    stop: () => clearTimeout(timer),
  };
}

async function send(dispatcher: Dispatcher, timeouts: UpstreamTimeouts, call: UpstreamCall): Promise<Dispatcher.ResponseData> {
  const { signal } = call;
  if (signal.aborted) throw signal.reason;
  const body = call.body;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(call.url, {
      method: 'POST',
      dispatcher,
      signal,
      headersTimeout: timeouts.headersMs,
      // Silence is measured between events (see watchIdle), not between bytes.
      bodyTimeout: 0,
      headers: call.headers,
      body,
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw connectError(err, call.provider, call.url);
  }
  if (response.statusCode < 400) return response;
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    if (signal.aborted) throw signal.reason;
  }
  throw call.httpError(response.statusCode, text, retryAfterFromHeaders(response.headers));
}

interface ChunkReader {
  /** Decodes one body chunk into `events`, stopping at the first failure or the final event. */
  feed(chunk: Uint8Array): void;
  /** The body ended: completes a last frame that lacked its blank line. */
  end(): void;
  /** Canonical events of the chunks fed since the caller last emptied it. */
  readonly events: CanonicalStreamEvent[];
  /** An in-stream failure; the events before it are still delivered first (the race reads them). */
  readonly failure: Error | undefined;
  readonly bytesRead: number;
}

function createChunkReader(call: UpstreamCall, onSignOfLife: () => void): ChunkReader {
  const { parser } = call;
  const events: CanonicalStreamEvent[] = [];
  let failure: Error | undefined;
  let bytesRead = 0;
  const decoder = createSseDecoder((item) => {
    if (failure !== undefined || parser.done) return;
    if (item.kind === 'malformed') {
      failure = malformedEventError(call.provider, item.raw);
      return;
    }
    try {
      for (const event of parser.push(item)) events.push(event);
    } catch (err) {
      failure = err instanceof Error ? err : toFlexError(err);
    }
  }, onSignOfLife);
  return {
    feed(chunk) {
      bytesRead += chunk.byteLength;
      decoder.feed(chunk);
    },
    end: () => decoder.end(),
    events,
    get failure() {
      return failure;
    },
    get bytesRead() {
      return bytesRead;
    },
  };
}

/**
 * Hands a completely read answer's connection back to the pool: read what little may follow the
 * final event (a terminator, the chunked-encoding end), bounded in bytes and time; otherwise close it.
 */
function release(body: Body, bytesRead: number): void {
  if (body.readableEnded || body.destroyed) return;
  // undici's limit counts every byte of the body, including those already read.
  body.dump({ limit: bytesRead + RELEASE_LIMIT_BYTES, signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS) }).catch(() => discard(body));
}

/**
 * Closes the connection of an answer not read to its end (failure, abort, consumer gone, silence).
 * With `reason`, a reader still waiting on the body fails with it.
 */
function discard(body: Body, reason?: Error): void {
  if (body.destroyed) return;
  // undici reports its own destroy as an 'error' (RequestAbortedError) that nobody reads now.
  body.on('error', () => undefined);
  body.destroy(reason);
}


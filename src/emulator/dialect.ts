// What each emulated API provides to the shared request lifecycle (run-call.ts): header and body
// checks, rendering of the reply as stream frames or a JSON body, and its own error bodies.
import type { IncomingHttpHeaders } from 'node:http';
import type { Ask, Reply } from './reply.js';
import type { Rng } from './rng.js';
import type { Frame } from './sse.js';
import type { EmulatedApi } from './types.js';

/** A complete non-200 (or JSON) answer. */
export interface HttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RenderContext {
  /** Per-request generator for ids, signatures and other opaque values. */
  rng: Rng;
  /** Epoch milliseconds when the request was received. */
  receivedAt: number;
}

/** Renders one request's answer in the dialect; ids are fixed when it is created. */
export interface Renderer {
  /** Frames written right after the headers, before admission (lifecycle events). */
  preamble(): Frame[];
  /** Frames from the proof of admission to the end of the stream. */
  answer(reply: Reply): Frame[];
  /** How many of `answer`'s frames to send before an in-stream failure. */
  failurePoint(frames: readonly Frame[]): number;
  /** Frames that end a stream with an in-stream failure (a server error unless `rejection` says). */
  failure(rejection?: HttpReply): Frame[];
  /** The non-stream body. */
  body(reply: Reply): unknown;
}

export interface PreparedCall {
  ask: Ask;
  /**
   * An error the API reports only after its lifecycle events (OpenAI: flex on a model without
   * flex sends response.created and response.in_progress, then fails); non-stream callers get it
   * as the HTTP answer.
   */
  lateRefusal?: HttpReply;
  render(ctx: RenderContext): Renderer;
}

export interface Dialect {
  readonly api: EmulatedApi;
  readonly path: string;
  /** Headers of a 200 stream answer. */
  readonly streamHeaders: Record<string, string>;
  /**
   * True when the API sends its headers and lifecycle events before the work is admitted
   * (OpenAI, Gemini); false when the first byte waits for admission (Anthropic).
   */
  readonly headersBeforeAdmission: boolean;
  /** A header every answer carries (request id), freshly drawn. */
  requestIdHeader(rng: Rng): Record<string, string>;
  /** Adds what the provider puts in every error body besides the error (Anthropic: `request_id`). */
  finishError?(reply: HttpReply, baseHeaders: Record<string, string>): HttpReply;
  /** Missing credentials or required headers → the provider's error. */
  checkHeaders(headers: IncomingHttpHeaders, url: URL): HttpReply | undefined;
  invalidJson(): HttpReply;
  /** Validates the body; the provider's 400 for a malformed request. */
  prepare(body: Record<string, unknown>): PreparedCall | HttpReply;
  /** Capacity refusal for this tier (OpenAI flex 429, Gemini 503/429, Anthropic 529). */
  refusal(ask: Ask, rng: Rng): HttpReply;
  /** The tier is down (standard / priority outage). */
  outage(ask: Ask): HttpReply;
  /** `[emulate:error=<status>]`. */
  statusError(status: number): HttpReply;
  /** A non-stream request that failed while generating. */
  serverError(): HttpReply;
}

/** Tells an error answer from a parsed request (parsed requests never carry a `status`). */
export function isHttpReply<T extends object>(value: T | HttpReply): value is HttpReply {
  return typeof (value as { status?: unknown }).status === 'number';
}

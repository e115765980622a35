// Server-sent events → parsed upstream payloads, for every provider: the one place that drops
// keep-alives and the `[DONE]` terminator and turns bad input into a value.
// SSE framing: https://html.spec.whatwg.org/multipage/server-sent-events.html (eventsource-parser).
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { JsonObject } from './json.js';

/** One server-sent event whose `data` is a JSON object. */
export interface UpstreamEvent {
  data: JsonObject;
  /** The SSE `event:` field, when the frame had one. */
  event: string | undefined;
}

/** What the SSE decoder makes of a frame: a payload, or malformed input as a value (never a throw). */
export type SseItem = ({ kind: 'event' } & UpstreamEvent) | { kind: 'malformed'; raw: string };

export interface SseDecoder {
  feed(chunk: Uint8Array | string): void;
  /** The body ended: completes a last frame that lacked its blank line. */
  end(): void;
}

/** Keep-alive payloads some providers send between real events (Anthropic `ping`, OpenAI `keepalive`). */
const KEEP_ALIVE_TYPES: ReadonlySet<string> = new Set(['ping', 'keepalive']);

/**
 * Raw SSE bytes → one item per event, in order. The one place that drops keep-alives (comments,
 * empty data, typed keep-alive payloads) and the `[DONE]` terminator, and that turns a payload
 * that is not a JSON object, or an oversized frame, into a `malformed` value.
 */
export function createSseDecoder(onItem: (item: SseItem) => void, onSignOfLife: () => void = () => undefined): SseDecoder {
  const text = new TextDecoder();
  const parser: EventSourceParser = createParser({
    // Every complete event is a sign of life, keep-alives and `[DONE]` included; so is a comment.
    onEvent(message) {
      onSignOfLife();
      const item = toItem(message);
      if (item !== undefined) onItem(item);
    },
    onComment: onSignOfLife,
    onError(error) {
      // Unknown fields and bad `retry:` values are skippable per the spec; an oversized frame is not.
      if (error.type === 'max-buffer-size-exceeded') onItem({ kind: 'malformed', raw: error.message });
    },
  });
  return {
    feed(chunk) {
      parser.feed(typeof chunk === 'string' ? chunk : text.decode(chunk, { stream: true }));
    },
    end() {
      parser.feed(`${text.decode()}\n\n`);
    },
  };
}

function toItem(message: EventSourceMessage): SseItem | undefined {
  const raw = message.data;
  // `[DONE]` ends OpenAI Chat and Gemini Interactions streams; the final event has been read by then.
  if (raw === '[DONE]' || isBlank(raw)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { kind: 'malformed', raw };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { kind: 'malformed', raw };
  const object = data as JsonObject;
  const type = object.type;
  if (typeof type === 'string' ? KEEP_ALIVE_TYPES.has(type) : message.event !== undefined && KEEP_ALIVE_TYPES.has(message.event)) {
    return undefined;
  }
  return { kind: 'event', data: object, event: message.event };
}

/** Anthropic pads some `data:` lines with spaces; a frame of only padding carries nothing. */
function isBlank(raw: string): boolean {
  return raw.length === 0 || (raw.charCodeAt(0) <= 32 && raw.trim().length === 0);
}

// Raw SSE bytes → JSON payloads, with eventsource-parser doing the framing
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
// A payload that is not a JSON object comes back as a `malformed` value rather than a throw, so
// the caller decides what it means for the stream.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { isObject, type JsonObject } from './wire.js';

export type SseItem = { kind: 'event'; data: JsonObject } | { kind: 'malformed'; raw: string };

export interface SseJsonDecoder {
  /** Feeds a chunk of the body; returns the payloads it completed, in order. */
  feed(chunk: Uint8Array | string): SseItem[];
  /** The body ended: completes a last frame that lacked its blank line. */
  end(): SseItem[];
}

export function createSseJsonDecoder(): SseJsonDecoder {
  const text = new TextDecoder();
  let pending: SseItem[] = [];
  const parser = createParser({
    onEvent(message) {
      const item = toItem(message);
      if (item !== undefined) pending.push(item);
    },
    // Framing complaints (bad `retry:`, unknown fields) do not affect the data; ignore them.
    onError() {},
  });
  const take = (): SseItem[] => {
    const items = pending;
    pending = [];
    return items;
  };
  return {
    feed(chunk) {
      parser.feed(typeof chunk === 'string' ? chunk : text.decode(chunk, { stream: true }));
      return take();
    },
    end() {
      parser.feed(`${text.decode()}\n\n`);
      return take();
    },
  };
}

function toItem(message: EventSourceMessage): SseItem | undefined {
  // Chat-style terminator; the Responses API does not send it, but proxies in between may.
  if (message.data === '[DONE]') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return { kind: 'malformed', raw: message.data };
  }
  if (!isObject(data)) return { kind: 'malformed', raw: message.data };
  // The type lives in the payload; the `event:` line is only a fallback when a payload lacks it.
  if (typeof data.type !== 'string' && message.event !== undefined) data.type = message.event;
  return { kind: 'event', data };
}

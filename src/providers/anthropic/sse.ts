// Server-sent events → Anthropic stream events, with eventsource-parser (SSE per
// https://html.spec.whatwg.org/multipage/server-sent-events.html). Anthropic pads some `data:`
// lines with trailing spaces and sends `ping` events; both are harmless here (JSON ignores the
// padding, the transform ignores pings).
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { FlexError } from '../../errors/catalog.js';
import { malformedEventError } from './map-error.js';
import type { AnthropicStreamEvent } from './wire-types.js';

export type SseItem = { type: 'event'; event: AnthropicStreamEvent } | { type: 'error'; error: FlexError };

/** Reads a byte stream and yields each event's parsed JSON payload, or an error value. */
export async function* readAnthropicEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseItem> {
  const queue: SseItem[] = [];
  const parser = createParser({
    onEvent(message) {
      const item = toItem(message);
      if (item) queue.push(item);
    },
    // Unknown fields and bad `retry:` lines are skippable per the SSE spec; nothing else is raised.
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) yield queue.shift() as SseItem;
  }
  parser.feed(decoder.decode());
  while (queue.length > 0) yield queue.shift() as SseItem;
  // An unterminated trailing event is discarded, as the SSE spec requires; if it was message_stop,
  // the caller sees a stream that ended early.
}

function toItem(message: EventSourceMessage): SseItem | undefined {
  const data = message.data.trim();
  if (data === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { type: 'error', error: malformedEventError(data) };
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') {
    return { type: 'error', error: malformedEventError(data) };
  }
  return { type: 'event', event: parsed as AnthropicStreamEvent };
}

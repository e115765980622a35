// Server-sent events → the `data` payload of each event, up to the `[DONE]` sentinel.
// Interactions streams frame events as `event: <type>` + `data: <json>` separated by blank
// lines (`\r\n\r\n` on Google's front ends) and end with `data: [DONE]`; the event type is also
// inside the JSON (`event_type`), so only `data` is used.
import { createParser } from 'eventsource-parser';

export type SseItem = { type: 'data'; data: string } | { type: 'done' } | { type: 'malformed'; reason: string };

/**
 * Yields each event's data, then `{type:'done'}` at the sentinel. A frame the parser cannot
 * accept is yielded as `malformed` (a value, not a throw) so the caller decides what it means.
 * Ends without `done` when the body ends first.
 */
export async function* readSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseItem> {
  const pending: SseItem[] = [];
  const parser = createParser({
    onEvent(event) {
      pending.push(event.data === '[DONE]' ? { type: 'done' } : { type: 'data', data: event.data });
    },
    onError(error) {
      // Unknown fields and bad `retry:` values are harmless; an oversized frame is not.
      if (error.type === 'max-buffer-size-exceeded') pending.push({ type: 'malformed', reason: error.message });
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    for (const item of pending.splice(0)) {
      yield item;
      if (item.type !== 'data') return;
    }
  }
}

// The SSE decoder every provider reads its stream through.
import { describe, expect, it } from 'vitest';
import { createSseDecoder, type SseItem } from './sse-decoder.js';

function decode(chunks: (string | Uint8Array)[], end = true): SseItem[] {
  const items: SseItem[] = [];
  const decoder = createSseDecoder((item) => items.push(item));
  for (const chunk of chunks) decoder.feed(chunk);
  if (end) decoder.end();
  return items;
}

describe('createSseDecoder', () => {
  it('reassembles frames and multi-byte characters split across chunks', () => {
    const bytes = new TextEncoder().encode('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"— é 😀"}\n\n');
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += 3) pieces.push(bytes.subarray(at, at + 3));
    expect(decode(pieces)).toEqual([
      { kind: 'event', event: 'response.output_text.delta', data: { type: 'response.output_text.delta', delta: '— é 😀' } },
    ]);
  });

  it('drops comments, blank and padded-blank data, typed keep-alives and [DONE]', () => {
    const raw = ': ping\n\ndata:\n\ndata:    \n\nevent: ping\ndata: {"type": "ping"}\n\ndata: {"type":"keepalive"}\n\nevent: keepalive\ndata: {}\n\ndata: [DONE]\n\n';
    expect(decode([raw])).toEqual([]);
  });

  it('reports payloads that are not JSON objects as malformed values, and carries on', () => {
    expect(decode(['data: {"type":\n\ndata: 42\n\ndata: [1]\n\ndata: {"type":"a"}\n\n'])).toEqual([
      { kind: 'malformed', raw: '{"type":' },
      { kind: 'malformed', raw: '42' },
      { kind: 'malformed', raw: '[1]' },
      { kind: 'event', event: undefined, data: { type: 'a' } },
    ]);
  });

  it('completes a last frame lacking its blank line only at the end of the body', () => {
    expect(decode(['data: {"type":"response.completed"}'], false)).toEqual([]);
    expect(decode(['data: {"type":"response.completed"}'])).toEqual([{ kind: 'event', event: undefined, data: { type: 'response.completed' } }]);
  });

  it('accepts CRLF framing (Google front ends) and keeps the event line beside the payload', () => {
    expect(decode(['event: step.delta\r\ndata: {"event_type":"step.delta"}\r\n\r\ndata: {"b":1}\r\n\r\n'])).toEqual([
      { kind: 'event', event: 'step.delta', data: { event_type: 'step.delta' } },
      { kind: 'event', event: undefined, data: { b: 1 } },
    ]);
  });
});

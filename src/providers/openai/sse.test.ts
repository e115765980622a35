import { describe, expect, it } from 'vitest';
import { createSseJsonDecoder } from './sse.js';

describe('createSseJsonDecoder', () => {
  it('reassembles frames and multi-byte characters split across chunks', () => {
    const sse = createSseJsonDecoder();
    const bytes = new TextEncoder().encode('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"— é 😀"}\n\n');
    const items = [];
    for (let at = 0; at < bytes.length; at += 3) items.push(...sse.feed(bytes.subarray(at, at + 3)));
    expect(items).toEqual([{ kind: 'event', data: { type: 'response.output_text.delta', delta: '— é 😀' } }]);
  });

  it('takes the type from the payload, falling back to the event line', () => {
    const sse = createSseJsonDecoder();
    expect(sse.feed('event: wrong\ndata: {"type":"response.created"}\n\nevent: keepalive\ndata: {}\n\n')).toEqual([
      { kind: 'event', data: { type: 'response.created' } },
      { kind: 'event', data: { type: 'keepalive' } },
    ]);
  });

  it('skips [DONE] and comments, and reports malformed payloads as values', () => {
    const sse = createSseJsonDecoder();
    expect(sse.feed(': ping\n\ndata: [DONE]\n\ndata: {"type":\n\ndata: 42\n\n')).toEqual([
      { kind: 'malformed', raw: '{"type":' },
      { kind: 'malformed', raw: '42' },
    ]);
  });

  it('delivers a last frame that lacks its blank line at end of body', () => {
    const sse = createSseJsonDecoder();
    expect(sse.feed('data: {"type":"response.completed"}')).toEqual([]);
    expect(sse.end()).toEqual([{ kind: 'event', data: { type: 'response.completed' } }]);
  });

  it('accepts CRLF framing', () => {
    const sse = createSseJsonDecoder();
    expect(sse.feed('data: {"type":"a"}\r\n\r\ndata: {"type":"b"}\r\n\r\n')).toHaveLength(2);
  });
});

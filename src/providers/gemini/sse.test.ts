import { describe, expect, it } from 'vitest';
import { readSse, type SseItem } from './sse.js';
import { fixtureEvents, toSse } from './test-support/fixtures.js';

async function items(chunks: (string | Uint8Array)[]): Promise<SseItem[]> {
  async function* body() {
    yield* chunks;
  }
  const out: SseItem[] = [];
  for await (const item of readSse(body())) out.push(item);
  return out;
}

describe('readSse', () => {
  it('yields each data payload of a CRLF-framed stream, then done at [DONE]', async () => {
    const events = fixtureEvents('tool-call-step2.chunks.txt');
    const out = await items([toSse(events) + 'data: {"after":"done"}\r\n\r\n']);
    expect(out.slice(0, -1).map((i) => (i.type === 'data' ? (JSON.parse(i.data) as unknown) : i))).toEqual(events);
    expect(out.at(-1)).toEqual({ type: 'done' });
  });

  it('reassembles a multi-byte character split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('data: {"text":"27°C"}\n\n');
    const cut = bytes.indexOf(0xb0); // second byte of "°"
    expect(await items([bytes.slice(0, cut), bytes.slice(cut)])).toEqual([{ type: 'data', data: '{"text":"27°C"}' }]);
  });

  it('ends without done when the body ends first', async () => {
    expect(await items(['data: {"a":1}\n\n', 'data: {"b":'])).toEqual([{ type: 'data', data: '{"a":1}' }]);
  });
});

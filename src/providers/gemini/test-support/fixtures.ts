// Test support: the recorded Interactions streams (test/fixtures/gemini/*.chunks.txt hold one
// parsed `data` JSON per line) re-framed as the wire sends them: `event:` line, `data:` line,
// `\r\n\r\n` separators and a final `data: [DONE]`.
import { fixtureChunks, fixtureText as readFixture } from '../../../test-support/fixtures.js';

export function fixtureText(name: string): string {
  return readFixture(`gemini/${name}`);
}

export function fixtureEvents(name: string): unknown[] {
  return fixtureChunks(`gemini/${name}`);
}

export function toSse(events: readonly unknown[], options: { done?: boolean } = {}): string {
  const frames = events.map((event) => {
    const type = (event as { event_type?: unknown }).event_type;
    const name = typeof type === 'string' ? `event: ${type}\r\n` : '';
    return `${name}data: ${JSON.stringify(event)}\r\n\r\n`;
  });
  if (options.done !== false) frames.push('data: [DONE]\r\n\r\n');
  return frames.join('');
}

/** Splits text into chunks of `size` characters, to exercise frames cut across reads. */
export function chunked(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

// Reading the recorded Anthropic traffic in test/fixtures/anthropic (see its SOURCES.md).
import { createParser } from 'eventsource-parser';
import * as recorded from '../../../test-support/fixtures.js';

export type Json = Record<string, unknown>;

export interface SseEvent {
  event: string | undefined;
  data: Json;
}

export function fixtureText(name: string): string {
  return recorded.fixtureText(`anthropic/${name}`);
}

/** `*.chunks.txt`: one parsed SSE data object per line (no `event:` lines were kept). */
export function readChunks(name: string): Json[] {
  return recorded.fixtureChunks(`anthropic/${name}`) as Json[];
}

export function readJson(name: string): Json {
  return recorded.fixtureJson(`anthropic/${name}`) as Json;
}

/**
 * The raw SSE body of the first streamed response in a VCR cassette: the `string: |+` block
 * scalar, whose lines are indented by the scalar's indentation.
 */
export function cassetteSseBody(name: string): string {
  const lines = fixtureText(name).split('\n');
  const start = lines.findIndex((line) => /^\s+string: \|\+?$/.test(line));
  if (start < 0) throw new Error(`${name}: no block scalar body`);
  const indent = /^\s*/.exec(lines[start + 1] ?? '')?.[0].length ?? 0;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && !line.startsWith(' '.repeat(indent))) break;
    body.push(line.slice(indent));
  }
  // Each line of a block scalar ends with a newline; `|+` keeps the trailing blank ones.
  return body.map((line) => `${line}\n`).join('');
}

/** Parses SSE text with a real parser; every `data:` must be a JSON object. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      events.push({ event: message.event, data: JSON.parse(message.data) as Json });
    },
    onError(err) {
      throw err;
    },
  });
  parser.feed(text);
  return events;
}

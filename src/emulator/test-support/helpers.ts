// Shared by the emulator's tests: recorded fixtures, a minimal SSE reader and HTTP helpers.
import * as recorded from '../../test-support/fixtures.js';
import { isObject, type JsonObject } from '../json.js';

/** A `*.chunks.txt` fixture: one parsed SSE data object per line. */
export function fixtureChunks(relative: string): JsonObject[] {
  return recorded.fixtureChunks(relative).filter(isObject);
}

export function fixtureJson(relative: string): JsonObject {
  const value = recorded.fixtureJson(relative);
  if (!isObject(value)) throw new Error(`${relative} is not a JSON object`);
  return value;
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Splits an SSE body into events (blank-line separated; `event:` and `data:` fields). */
export function parseSse(body: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    const ev: SseEvent = { data: '' };
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) ev.event = line.slice(6).trim();
      else if (line.startsWith('data:')) ev.data += line.slice(5).replace(/^ /, '');
    }
    out.push(ev);
  }
  return out;
}

/** The JSON data objects of an SSE body (non-JSON data such as `[DONE]` is skipped). */
export function sseData(body: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const ev of parseSse(body)) {
    try {
      const value = JSON.parse(ev.data) as unknown;
      if (isObject(value)) out.push(value);
    } catch {
      // [DONE] and other sentinels
    }
  }
  return out;
}

export function keys(value: unknown): string[] {
  return isObject(value) ? Object.keys(value).sort() : [];
}

/** Removes consecutive repeats (delta runs) so event orders can be compared. */
export function collapseRuns<T>(items: readonly T[]): T[] {
  return items.filter((item, i) => i === 0 || items[i - 1] !== item);
}

export interface Posted {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Posted> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function jsonOf(posted: Posted): JsonObject {
  const value = JSON.parse(posted.text) as unknown;
  if (!isObject(value)) throw new Error(`not a JSON object: ${posted.text}`);
  return value;
}

/** The raw SSE bytes of a VCR cassette's first streamed response (`body.string: |+` block). */
export function cassetteSse(relative: string): string {
  const text = recorded.fixtureText(relative);
  const start = text.indexOf('string: |+\n');
  if (start === -1) throw new Error(`${relative} has no streamed body`);
  const lines: string[] = [];
  for (const line of text.slice(start + 'string: |+\n'.length).split('\n')) {
    if (line !== '' && !line.startsWith('        ')) break;
    lines.push(line.slice(8));
  }
  return lines.join('\n');
}

/** Splits concatenated recorded streams into turns, each starting at `startType`. */
export function splitTurns(events: readonly JsonObject[], startType: string, typeKey = 'type'): JsonObject[][] {
  const turns: JsonObject[][] = [];
  for (const ev of events) {
    if (ev[typeKey] === startType || turns.length === 0) turns.push([]);
    turns.at(-1)?.push(ev);
  }
  return turns;
}

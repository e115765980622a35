// The one reader of the recorded upstream traffic in test/fixtures (see its SOURCES.md). Paths are
// relative to that folder, e.g. `gemini/basic.chunks.txt`; what a test does with the bytes (SSE
// re-framing, cassette bodies) stays with the test that needs it.
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

/** The text of `test/fixtures/<path>`. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

/** A `*.json` fixture (a response or error body), parsed. */
export function fixtureJson(path: string): unknown {
  return JSON.parse(fixtureText(path)) as unknown;
}

/** A `*.chunks.txt` fixture: one parsed SSE `data:` JSON per line, blank lines skipped. */
export function fixtureChunks(path: string): unknown[] {
  return fixtureText(path)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

// Reads the recorded upstream traffic in test/fixtures: `*.chunks.txt` (one parsed SSE data JSON per
// line) and VCR cassettes (`*.yaml`, raw SSE bytes in `body.string`, JSON bodies as `parsed_body`).
// Only the YAML subset those cassettes use is understood: block mappings, literal `|+` scalars,
// plain / quoted scalars.
import { fixtureChunks, fixtureText } from '../../../test-support/fixtures.js';

export function readFixture(relativePath: string): string {
  return fixtureText(relativePath);
}

/** Each line of a `*.chunks.txt` file, parsed. */
export function readChunks(relativePath: string): Record<string, unknown>[] {
  return fixtureChunks(relativePath) as Record<string, unknown>[];
}

/** Re-frames parsed chunks as SSE bytes: `event: <type>\ndata: <json>\n\n` (or data-only). */
export function chunksAsSse(chunks: Record<string, unknown>[], options: { eventLines: boolean }): string {
  return chunks
    .map((chunk) => {
      const data = `data: ${JSON.stringify(chunk)}\n\n`;
      return options.eventLines ? `event: ${String(chunk.type)}\n${data}` : data;
    })
    .join('');
}

export interface CassetteInteraction {
  requestBody: unknown;
  status: number;
  /** The raw response body (streams), when recorded as `body.string`. */
  rawBody: string | undefined;
  /** The response JSON body, when recorded as `parsed_body`. */
  parsedBody: unknown;
}

export function readCassette(relativePath: string): CassetteInteraction[] {
  const text = readFixture(relativePath);
  return text
    .split(/^- request:\n/m)
    .slice(1)
    .map((chunk) => {
      const [requestPart = '', responsePart = ''] = chunk.split(/^ {2}response:\n/m);
      return {
        requestBody: blockMapping(requestPart, 'parsed_body'),
        status: Number(/^ {4}status:\n {6}code: (\d+)/m.exec(responsePart)?.[1] ?? '0'),
        rawBody: literalBlock(responsePart, 'string'),
        parsedBody: blockMapping(responsePart, 'parsed_body'),
      };
    });
}

/** The `key: |+` literal block scalar, de-indented, trailing newlines kept. */
function literalBlock(text: string, key: string): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trimStart() === `${key}: |+`);
  if (start < 0) return undefined;
  const keyIndent = indentOf(lines[start] ?? '');
  const body: string[] = [];
  let blockIndent: number | undefined;
  for (const line of lines.slice(start + 1)) {
    if (line.trim().length === 0) {
      body.push('');
      continue;
    }
    const indent = indentOf(line);
    if (indent <= keyIndent) break;
    blockIndent ??= indent;
    body.push(line.slice(blockIndent));
  }
  // `|+` (keep): every line, trailing blank ones included, ends with its newline.
  return body.map((line) => `${line}\n`).join('');
}

/** The block mapping / sequence under `key:`, as plain JSON values. */
function blockMapping(text: string, key: string): unknown {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trimStart() === `${key}:`);
  if (start < 0) return undefined;
  const keyIndent = indentOf(lines[start] ?? '');
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim().length > 0 && indentOf(line) <= keyIndent) break;
    if (line.trim().length > 0) block.push(line);
  }
  return parseNode(block, 0).value;
}

interface Parsed {
  value: unknown;
  next: number;
}

function parseNode(lines: string[], at: number): Parsed {
  const first = lines[at];
  if (first === undefined) return { value: null, next: at };
  return first.trimStart().startsWith('- ') ? parseSequence(lines, at) : parseMap(lines, at);
}

function parseMap(lines: string[], at: number): Parsed {
  const indent = indentOf(lines[at] ?? '');
  const out: Record<string, unknown> = {};
  let i = at;
  while (i < lines.length && indentOf(lines[i] ?? '') === indent && !(lines[i] ?? '').trimStart().startsWith('- ')) {
    const entry = parseEntry(lines, i, (lines[i] ?? '').trim());
    Object.assign(out, entry.value);
    i = entry.next;
  }
  return { value: out, next: i };
}

function parseEntry(lines: string[], at: number, text: string): Parsed {
  const colon = text.indexOf(':');
  const key = text.slice(0, colon);
  const rest = text.slice(colon + 1).trim();
  if (rest.length > 0) return { value: { [key]: scalar(rest) }, next: at + 1 };
  const child = lines[at + 1];
  if (child === undefined || indentOf(child) < indentOf(lines[at] ?? '')) return { value: { [key]: null }, next: at + 1 };
  const nested = parseNode(lines, at + 1);
  return { value: { [key]: nested.value }, next: nested.next };
}

function parseSequence(lines: string[], at: number): Parsed {
  const indent = indentOf(lines[at] ?? '');
  const out: unknown[] = [];
  let i = at;
  while (i < lines.length && indentOf(lines[i] ?? '') === indent && (lines[i] ?? '').trimStart().startsWith('- ')) {
    // Re-indent the item's first line so its keys line up with the following ones.
    const itemLines = [' '.repeat(indent + 2) + (lines[i] ?? '').trimStart().slice(2)];
    let j = i + 1;
    while (j < lines.length && indentOf(lines[j] ?? '') > indent) itemLines.push(lines[j++] ?? '');
    const first = itemLines[0]?.trim() ?? '';
    out.push(first.includes(': ') || first.endsWith(':') ? parseNode(itemLines, 0).value : scalar(first));
    i = j;
  }
  return { value: out, next: i };
}

function scalar(raw: string): unknown {
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw.startsWith('"')) return JSON.parse(raw) as unknown;
  if (raw === 'null' || raw === '~') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

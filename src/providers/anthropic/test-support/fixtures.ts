// Test helpers: recorded Anthropic fixtures (test/fixtures/anthropic, see SOURCES.md) re-framed as
// the raw SSE bytes the provider reads, and a loopback fake of the Messages endpoint.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtureChunks, fixtureText } from '../../../test-support/fixtures.js';

export function readFixture(name: string): string {
  return fixtureText(`anthropic/${name}`);
}

/** A `*.chunks.txt` file holds one `data:` JSON per line; restore the `event:` lines and blank lines. */
export function chunksAsSse(name: string): string {
  return readFixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join('');
}

export function chunkEvents(name: string): unknown[] {
  return fixtureChunks(`anthropic/${name}`);
}

/** The raw response bytes of a VCR cassette's first `body.string: |+` block scalar, padding kept. */
export function cassetteStreamBody(name: string): string {
  const lines = readFixture(name).split('\n');
  const start = lines.findIndex((line) => /^\s*string: \|[+-]?\s*$/.test(line));
  if (start === -1) throw new Error(`${name} has no block-scalar body`);
  const first = lines.slice(start + 1).find((line) => line.trim() !== '') ?? '';
  const indent = first.length - first.trimStart().length;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.length - line.trimStart().length < indent) break;
    body.push(`${line.slice(indent)}\n`);
  }
  // `|+` keeps every line break, the trailing blank lines included.
  return body.join('');
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeUpstream {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a `node:http` server on 127.0.0.1:0 that records requests and answers with `respond`. */
export async function startFakeUpstream(respond: (res: ServerResponse, req: RecordedRequest) => void): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(recorded);
      respond(res, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendSse(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  res.end(body);
}

// A byte-level fault proxy between the gateway and the provider emulator. It speaks just enough
// HTTP/1.1 to read one request per connection, asks the emulator for the real answer, and then
// writes bytes of its own choosing: nothing, headers only, part of the stream, a trickle, a cut
// connection, a malformed frame, an error page … The fault is chosen per request by directives in
// the prompt, so concurrent cases share one proxy:
//
//   [fault:<name>]            every attempt          [fault:flex=<name>]      flex attempts only
//   [fault:standard=<name>]   non-flex attempts      [case:<id>]              names the record
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export const FAULTS = [
  'pass',
  'silent_headers',
  'silent_body',
  'stall',
  'trickle',
  'pause',
  'cut',
  'cut_after_terminal',
  'malformed',
  'http_429',
  'http_503',
  'http_500',
  'error_after_content',
  'html',
  'non_sse_200',
  'reset',
] as const;
export type Fault = (typeof FAULTS)[number];

export type UpstreamProvider = 'openai' | 'anthropic' | 'gemini';

export interface FaultRecord {
  caseId: string | undefined;
  provider: UpstreamProvider;
  flex: boolean;
  fault: Fault;
  openedAt: number;
  /** When the gateway's connection closed (it aborted, or the answer ended). */
  closedAt: number | undefined;
}

export interface FaultProxy {
  url: string;
  records: FaultRecord[];
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The emulator's origin, e.g. http://127.0.0.1:4000. */
  upstream: string;
  /** Gap between trickled bytes. */
  trickleEveryMs?: number;
  /** How long `pause` holds the stream before going on. */
  pauseMs?: number;
}

interface UpstreamRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

interface UpstreamAnswer {
  status: number;
  contentType: string;
  retryAfter: string | null;
  body: Buffer;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const records: FaultRecord[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    readRequest(socket)
      .then((request) => {
        if (request === undefined) {
          socket.destroy();
          return;
        }
        const record = recordFor(request);
        records.push(record);
        socket.once('close', () => (record.closedAt = performance.now()));
        return serve(socket, request, record, options);
      })
      .catch(() => socket.destroy());
  });
  server.on('connection', (socket) => socket.once('close', () => sockets.delete(socket)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One request: head up to the blank line, then a Content-Length body. */
function readRequest(socket: Socket): Promise<UpstreamRequest | undefined> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const [requestLine = '', ...lines] = buffered.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]);
      const length = Number(headers.find(([name]) => name === 'content-length')?.[1] ?? 0);
      if (buffered.length < headEnd + 4 + length) return;
      socket.off('data', onData);
      const [method = 'POST', path = '/'] = requestLine.split(' ');
      resolve({ method, path, headers, body: buffered.subarray(headEnd + 4, headEnd + 4 + length) });
    };
    socket.on('data', onData);
    socket.once('end', () => resolve(undefined));
  });
}

function providerOf(path: string): UpstreamProvider {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/v1beta/')) return 'gemini';
  return 'openai';
}

function recordFor(request: UpstreamRequest): FaultRecord {
  const text = request.body.toString('utf8');
  // OpenAI and Gemini both name the flex tier `service_tier: "flex"`; Anthropic has none.
  const flex = /"service_tier"\s*:\s*"flex"/.test(text);
  const directive = (scope: string): Fault | undefined => {
    const match = new RegExp(`\\[fault:${scope}([a-z_0-9]+)\\]`).exec(text);
    const name = match?.[1];
    return FAULTS.find((f) => f === name);
  };
  const fault = (flex ? directive('flex=') : directive('standard=')) ?? directive('') ?? 'pass';
  return { caseId: /\[case:([\w-]+)\]/.exec(text)?.[1], provider: providerOf(request.path), flex, fault, openedAt: performance.now(), closedAt: undefined };
}

async function serve(socket: Socket, request: UpstreamRequest, record: FaultRecord, options: FaultProxyOptions): Promise<void> {
  const { fault, provider } = record;
  switch (fault) {
    case 'silent_headers':
      return; // Read, then nothing: the connection stays until the gateway gives up.
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'http_429':
    case 'http_503':
    case 'http_500': {
      const status = Number(fault.slice(5));
      const headers = status === 429 ? ['retry-after: 1'] : [];
      return writeWhole(socket, status, 'application/json', JSON.stringify(errorBody(provider, status)), headers);
    }
    case 'html':
      return writeWhole(socket, 502, 'text/html', '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
    case 'non_sse_200':
      return writeWhole(socket, 200, 'application/json', JSON.stringify({ id: 'resp_fault', object: 'response', status: 'completed', output: [] }));
    default:
      break;
  }
  const answer = await fetchUpstream(options.upstream, request);
  if (answer.status >= 400 || fault === 'pass') {
    return writeWhole(socket, answer.status, answer.contentType, answer.body, answer.retryAfter === null ? [] : [`retry-after: ${answer.retryAfter}`]);
  }
  socket.write(head(200, answer.contentType, ['transfer-encoding: chunked']));
  const frames = splitFrames(answer.body.toString('utf8'));
  const firstDelta = frames.findIndex(isContentDelta);
  const terminal = frames.findIndex(isTerminal);
  const beforeContent = frames.slice(0, firstDelta + 1);
  switch (fault) {
    case 'silent_body':
      return;
    case 'stall':
      return writeChunks(socket, beforeContent);
    case 'trickle':
      writeChunks(socket, beforeContent);
      return trickle(socket, options.trickleEveryMs ?? 100);
    case 'pause':
      writeChunks(socket, beforeContent);
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 1_000));
      return endChunks(socket, frames.slice(firstDelta + 1));
    case 'cut':
      writeChunks(socket, beforeContent);
      socket.destroy();
      return;
    case 'cut_after_terminal':
      writeChunks(socket, frames.slice(0, terminal + 1));
      socket.destroy();
      return;
    case 'malformed':
      return endChunks(socket, [...beforeContent, 'data: {"type":"response.output_text.delta","delta":\n\n', ...frames.slice(firstDelta + 1)]);
    case 'error_after_content':
      return endChunks(socket, [...beforeContent, inStreamError(provider)]);
  }
}

async function fetchUpstream(origin: string, request: UpstreamRequest): Promise<UpstreamAnswer> {
  const headers = request.headers.filter(([name]) => !['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding'].includes(name));
  const res = await fetch(`${origin}${request.path}`, { method: request.method, headers, body: request.body });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/octet-stream',
    retryAfter: res.headers.get('retry-after'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

function head(status: number, contentType: string, extra: string[] = []): string {
  return [`HTTP/1.1 ${status} Fault Proxy`, `content-type: ${contentType}`, 'connection: close', ...extra, '', ''].join('\r\n');
}

function writeWhole(socket: Socket, status: number, contentType: string, body: string | Buffer, extra: string[] = []): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  socket.end(Buffer.concat([Buffer.from(head(status, contentType, [`content-length: ${bytes.length}`, ...extra])), bytes]));
}

function chunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

function writeChunks(socket: Socket, frames: string[]): void {
  for (const frame of frames) socket.write(chunk(frame));
}

function endChunks(socket: Socket, frames: string[]): void {
  writeChunks(socket, frames);
  socket.end('0\r\n\r\n');
}

/** Bytes of a frame that never completes, one at a time, until the gateway goes away. */
function trickle(socket: Socket, everyMs: number): void {
  const partial = 'data: {"type":"response.output_text.delta","delta":"never finished ';
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(chunk(partial[i++ % partial.length] ?? 'x'));
  }, everyMs);
}

/** SSE frames with their own separators kept (`\n\n` or `\r\n\r\n`). */
export function splitFrames(text: string): string[] {
  const frames: string[] = [];
  const separator = /\r?\n\r?\n/g;
  let from = 0;
  for (let m = separator.exec(text); m !== null; m = separator.exec(text)) {
    frames.push(text.slice(from, m.index + m[0].length));
    from = m.index + m[0].length;
  }
  if (from < text.length) frames.push(text.slice(from));
  return frames;
}

/** A frame carrying generated content (OpenAI `*.delta`, Anthropic `content_block_delta`, Gemini `step.delta`). */
export function isContentDelta(frame: string): boolean {
  return /"(type|event_type)":"(response\.output_text\.delta|content_block_delta|step\.delta)"/.test(frame);
}

export function isTerminal(frame: string): boolean {
  return /"(type|event_type)":"(response\.completed|response\.incomplete|message_stop|interaction\.completed)"/.test(frame);
}

/** Each provider's HTTP error body (OpenAI, Anthropic and Google envelopes). */
function errorBody(provider: UpstreamProvider, status: number): unknown {
  const message = `The fault proxy answered HTTP ${status}.`;
  switch (provider) {
    case 'openai':
      return { error: { message, type: status === 429 ? 'rate_limit_error' : 'server_error', code: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null } };
    case 'anthropic':
      return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } };
    case 'gemini':
      return { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : status === 503 ? 'UNAVAILABLE' : 'INTERNAL' } };
  }
}

/** Each provider's in-stream error event. */
function inStreamError(provider: UpstreamProvider): string {
  const message = 'The fault proxy failed the stream after content.';
  switch (provider) {
    case 'openai':
      return `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message, param: null, sequence_number: 99 })}\n\n`;
    case 'anthropic':
      return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;
    case 'gemini':
      return `event: error\ndata: ${JSON.stringify({ event_type: 'error', error: { code: 'INTERNAL', message } })}\n\n`;
  }
}

/** A port nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Opens and immediately closes a raw connection (used to check a port really refuses). */
export function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

// Small HTTP helpers for the server shell: JSON answers and size-limited body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FlexError } from '../errors/catalog.js';
import type { RenderedError } from '../errors/render.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function sendRendered(res: ServerResponse, rendered: RenderedError, headers: Record<string, string> = {}): void {
  sendJson(res, rendered.status, rendered.body, { ...headers, ...rendered.headers });
}

/**
 * Reads the whole body, refusing more than `limit` bytes whether announced by Content-Length or
 * actually sent (chunked bodies too). Exactly `limit` bytes pass.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const announced = req.headers['content-length'];
  if (announced !== undefined && Number(announced) > limit) {
    return Promise.reject(tooLarge(`The body announces ${announced} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        reject(tooLarge(`The body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

function tooLarge(detail: string): FlexError {
  return new FlexError('request_too_large', { detail });
}

/**
 * After an early answer (413, 401 …) the client may still be sending. Closing now would reset the
 * connection and the client would see the reset instead of the answer, so the rest of the body is
 * read and discarded — up to a byte cap and a time limit, after which the socket is destroyed.
 */
export function drainThenClose(req: IncomingMessage, maxBytes = 64 * 1024 * 1024, maxMs = 10_000): void {
  if (req.complete) return;
  let seen = 0;
  const timer = setTimeout(() => req.socket.destroy(), maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) req.socket.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

// Turns what a cell threw into its matrix status. A gateway refusal is recognised by its
// documented error code: OpenAI envelopes carry it in `code`; the Anthropic and Google envelopes
// have no code field, so the catalog entry is found by its rule text, which every FlexInference
// message includes (src/errors/catalog.ts composeMessage).
import type { ErrorCode } from '../../../src/errors/catalog.js';
import { ERROR_CATALOG, ERROR_CODES } from '../../../src/errors/catalog.js';
import type { CellStatus } from './matrix.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The HTTP status and the error body's message and code, whichever SDK raised the error. */
function apiErrorParts(err: unknown): { status: number; message: string; code?: string } | undefined {
  if (!isObject(err) || typeof err.status !== 'number') return undefined;
  // openai: err.error = {message, code, …}; anthropic: err.error = {type:'error', error:{message}};
  // @google/genai: err.error = {error:{code, message, status}}.
  const body = isObject(err.error) ? err.error : {};
  const inner = isObject(body.error) ? body.error : body;
  const message = typeof inner.message === 'string' ? inner.message : String(err.message);
  const code = typeof inner.code === 'string' ? inner.code : undefined;
  return code === undefined ? { status: err.status, message } : { status: err.status, message, code };
}

function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as string[]).includes(value);
}

function codeFromMessage(message: string): ErrorCode | undefined {
  return ERROR_CODES.find((code) => message.includes(ERROR_CATALOG[code].rule));
}

export function classifyError(err: unknown): CellStatus {
  const parts = apiErrorParts(err);
  if (parts && parts.status >= 400 && parts.status < 500) {
    const code = parts.code !== undefined && isErrorCode(parts.code) ? parts.code : codeFromMessage(parts.message);
    if (code !== undefined && code !== 'internal_error') return { kind: 'refused', code, message: parts.message };
  }
  const reason = parts ? `HTTP ${parts.status}: ${parts.message}` : err instanceof Error ? err.message : String(err);
  return { kind: 'fail', reason: oneLine(reason) };
}

export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

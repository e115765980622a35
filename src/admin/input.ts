// Validation of admin API inputs (JSON bodies, query parameters): every refusal is an
// `invalid_parameter` naming the field, so the HTTP API and the CLI explain it the same way.
import { FlexError } from '../errors/catalog.js';

export function invalid(param: string, detail: string): FlexError {
  return new FlexError('invalid_parameter', { param, detail });
}

export function asObject(value: unknown, what = 'The request body'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FlexError('invalid_json', { detail: `${what} must be a JSON object.` });
  }
  return value as Record<string, unknown>;
}

/** A trimmed string of 1…max characters without control characters. */
export function requireName(value: unknown, param: string, max = 100): string {
  const text = typeof value === 'string' ? value.trim() : undefined;
  // eslint-disable-next-line no-control-regex
  if (!text || text.length > max || /[\u0000-\u001f\u007f]/.test(text)) {
    throw invalid(param, `\`${param}\` must be a non-empty string of at most ${max} printable characters, e.g. "acme".`);
  }
  return text;
}

export function optionalName(value: unknown, param: string): string | null {
  return value === undefined || value === null ? null : requireName(value, param);
}

/** An ISO 8601 date or time from a query parameter, normalised to the ledger's UTC form. */
export function optionalDate(value: string | null, param: string): string | undefined {
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(param, `\`${param}\` must be an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.`);
  return new Date(ms).toISOString();
}

export function optionalInteger(value: string | null, param: string, min: number, max: number): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(param, `\`${param}\` must be a whole number from ${min} to ${max}.`);
  return n;
}

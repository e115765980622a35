// Field readers for the Anthropic Messages dialect. Each reader takes the raw JSON value and the
// dotted path of the field, and throws a FlexError naming that path, so every wrong type or shape
// reaches the caller as `invalid_parameter` with a precise `param`.
import { FlexError } from '../../errors/catalog.js';

export type JsonObject = Record<string, unknown>;

export function invalid(param: string, detail: string): FlexError {
  return new FlexError('invalid_parameter', { param, detail });
}

export function unsupported(param: string, detail: string): FlexError {
  return new FlexError('unsupported_parameter', { param, detail });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent and JSON null both mean "not set" (the SDKs omit unset fields; some clients send null). */
export function isUnset(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

export function expectObject(value: unknown, param: string): JsonObject {
  if (!isObject(value)) throw invalid(param, `\`${param}\` must be an object; got ${describe(value)}.`);
  return value;
}

export function expectArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(param, `\`${param}\` must be an array; got ${describe(value)}.`);
  return value;
}

export function expectString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalid(param, `\`${param}\` must be a string; got ${describe(value)}.`);
  return value;
}

export function optString(value: unknown, param: string): string | undefined {
  return isUnset(value) ? undefined : expectString(value, param);
}

export function optBoolean(value: unknown, param: string): boolean | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'boolean') throw invalid(param, `\`${param}\` must be true or false; got ${describe(value)}.`);
  return value;
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function optNumber(value: unknown, param: string, rule: NumberRule = {}): number | undefined {
  if (isUnset(value)) return undefined;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw invalid(param, `\`${param}\` must be ${numberRuleText(rule)}; got ${describe(value)}.`);
  return value;
}

function numberRuleText(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} of at least ${rule.min}`;
  if (rule.max !== undefined) return `${kind} of at most ${rule.max}`;
  return kind;
}

export function joinPath(param: string, key: string | number): string {
  return param === '' ? String(key) : `${param}.${key}`;
}

/** The block's `type` string, required on every content block, tool and config object. */
export function typeOf(value: JsonObject, param: string): string {
  return expectString(value.type, `${param}.type`);
}

/** Refuses any key of `value` outside `allowed` (unknown fields are never dropped silently). */
export function refuseUnknownKeys(value: JsonObject, allowed: ReadonlySet<string>, param: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.has(key)) continue;
    const path = joinPath(param, key);
    throw unsupported(path, `\`${path}\` is not supported on /v1/messages.`);
  }
}

/**
 * Prompt caching has no counterpart on the other providers' request formats, so a cache marker is
 * refused rather than dropped (PRODUCT.md §6).
 */
export function refuseCacheControl(value: JsonObject, param: string): void {
  if (isUnset(value.cache_control)) return;
  const path = joinPath(param, 'cache_control');
  throw unsupported(path, `\`${path}\` (prompt caching markers) is not supported: FlexInference cannot carry it to every provider.`);
}

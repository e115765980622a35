// Field readers for the two OpenAI dialects (Responses and Chat Completions). Each reader takes the
// raw JSON value and the dotted path of the field, and throws a FlexError naming that path, so every
// wrong type or shape reaches the caller as `invalid_parameter` with a precise `param`.
import type { ImageSource, ReasoningEffort } from '../../canonical/types.js';
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

/** Absent and JSON null mean "not set" in both OpenAI dialects. */
export function isUnset(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value) ?? String(typeof value)}`;
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
  return kind;
}

export function expectOneOf<T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(param, `\`${param}\` must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got ${describe(value)}.`);
}

/** A JSON Schema (or any free-form JSON object) carried verbatim. */
export function expectSchema(value: unknown, param: string): Record<string, unknown> {
  return expectObject(value, param);
}

/**
 * OpenAI metadata: up to 16 string pairs, keys up to 64 and values up to 512 characters.
 * https://platform.openai.com/docs/api-reference/responses/create#responses-create-metadata
 */
export function optMetadata(value: unknown, param: string): Record<string, string> | undefined {
  if (isUnset(value)) return undefined;
  const obj = expectObject(value, param);
  const out: Record<string, string> = {};
  const keys = Object.keys(obj);
  if (keys.length > 16) throw invalid(param, `\`${param}\` may hold at most 16 pairs; got ${keys.length}.`);
  for (const key of keys) {
    const v = expectString(obj[key], `${param}.${key}`);
    if (key.length > 64 || v.length > 512) {
      throw invalid(`${param}.${key}`, `Metadata keys may be at most 64 and values at most 512 characters.`);
    }
    out[key] = v;
  }
  return out;
}

/** Refuses any key of `obj` not in `known` (FlexInference never drops a field silently). */
export function rejectUnknownKeys(obj: JsonObject, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) {
      const param = prefix === '' ? key : `${prefix}.${key}`;
      throw unsupported(param, `\`${param}\` is not a field FlexInference supports here.`);
    }
  }
}

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

export function optEffort(value: unknown, param: string): ReasoningEffort | undefined {
  return isUnset(value) ? undefined : expectOneOf(value, param, EFFORTS);
}

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+);base64,(.*)$/is;

/** An image URL: `https://…` stays a URL; a base64 data URL becomes inline data. */
export function parseImageUrl(value: unknown, param: string): ImageSource {
  const url = expectString(value, param);
  const data = DATA_URL.exec(url);
  if (data) return { type: 'base64', mediaType: (data[1] ?? '').toLowerCase(), data: data[2] ?? '' };
  if (url.startsWith('data:')) {
    throw invalid(param, `\`${param}\` is a data URL but not a base64 one; use data:<media type>;base64,<data>.`);
  }
  if (!/^https?:\/\//i.test(url)) {
    throw invalid(param, `\`${param}\` must be an http(s) URL or a base64 data URL.`);
  }
  return { type: 'url', url };
}

export function optDetail(value: unknown, param: string): 'auto' | 'low' | 'high' | undefined {
  return isUnset(value) ? undefined : expectOneOf(value, param, ['auto', 'low', 'high'] as const);
}

/** `service_tier` belongs to FlexInference (PRODUCT.md §6): any non-null value is refused. */
export function refuseServiceTier(body: JsonObject): void {
  if (!isUnset(body.service_tier)) {
    throw new FlexError('service_tier_not_allowed', {
      param: 'service_tier',
      detail: `\`service_tier\` was set to ${JSON.stringify(body.service_tier)}.`,
    });
  }
}

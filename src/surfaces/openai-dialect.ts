// What the two OpenAI dialects (Responses and Chat Completions) share: their field readers, the
// OpenAI-native fields they pass through, and the spelling of the served tier. The generic readers (objects, strings, numbers, ...) are in
// fields.ts; these build on them and throw the same `invalid_parameter` errors naming the exact
// `param`. Neither OpenAI surface imports the other; both import this.
import type { CanonicalRequest, ImageSource, NativeFields, ReasoningEffort, ServedTier } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';
import { expectObject, expectOneOf, expectString, invalid, isUnset, unknownKeyCheck } from './fields.js';
import type { JsonObject } from './fields.js';

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
export const refuseUnknownOpenAIKeys = unknownKeyCheck('is not a field FlexInference supports here.');

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

/**
 * `request.native` for OpenAI, created on first use: fields only OpenAI honours, passed through to
 * OpenAI models and refused for the others (server/native-fields.ts, docs/product.md §6).
 */
export function nativeFields(request: CanonicalRequest): NativeFields {
  request.native ??= { provider: 'openai', body: {}, tools: [], refusable: [] };
  return request.native;
}

/** `service_tier` belongs to FlexInference (docs/product.md §6): any non-null value is refused. */
export function refuseServiceTier(body: JsonObject): void {
  if (!isUnset(body.service_tier)) {
    throw new FlexError('service_tier_not_allowed', {
      param: 'service_tier',
      detail: `\`service_tier\` was set to ${JSON.stringify(body.service_tier)}.`,
    });
  }
}

/** The tier the caller trusts (docs/product.md §4): OpenAI spells standard as "default". */
export function mapServiceTier(tier: ServedTier): 'flex' | 'default' | 'priority' {
  switch (tier) {
    case 'flex':
      return 'flex';
    case 'standard':
      return 'default';
    case 'priority':
      return 'priority';
  }
}

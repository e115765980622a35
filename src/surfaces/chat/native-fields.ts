// Chat Completions fields only OpenAI honours (docs/product.md §6): set to anything but their
// default, they pass through to OpenAI models and are refused for the others, naming the field, the
// target provider and what to do instead (server/native-fields.ts). FlexInference calls OpenAI's
// Responses API, so each is sent in its Responses spelling — the same name for most, `text.verbosity`
// for `verbosity`. None has a faithful counterpart on Anthropic or Gemini: neither has a verbosity
// setting, a prompt-cache key or retention (their caching is per block or implicit), a moderation
// pass, or keeps completions for evals.
// https://platform.openai.com/docs/api-reference/chat/create
// https://platform.openai.com/docs/api-reference/responses/create
import type { CanonicalRequest } from '../../canonical/types.js';
import { expectBoolean, expectObject, expectOneOf, expectString, isUnset } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { nativeFields } from '../openai-dialect.js';

interface NativeField {
  field: string;
  /** The value asks for nothing OpenAI would not do anyway (unset, or OpenAI's default). */
  isDefault(value: unknown): boolean;
  /** Checks the value's type (`invalid_parameter` naming the field) and gives its Responses form. */
  upstream(value: unknown): Record<string, unknown>;
  instead: string;
}

export const CHAT_NATIVE_FIELDS: readonly NativeField[] = [
  {
    field: 'verbosity',
    isDefault: (v) => isUnset(v) || v === 'medium',
    upstream: (v) => ({ text: { verbosity: expectOneOf(v, 'verbosity', ['low', 'medium', 'high'] as const) } }),
    instead: 'Remove it, or ask for the length you want in a system message.',
  },
  {
    field: 'prompt_cache_key',
    isDefault: isUnset,
    upstream: (v) => ({ prompt_cache_key: expectString(v, 'prompt_cache_key') }),
    instead: 'Remove it; the other providers cache prompts without a key.',
  },
  {
    field: 'prompt_cache_retention',
    isDefault: isUnset,
    upstream: (v) => ({ prompt_cache_retention: expectString(v, 'prompt_cache_retention') }),
    instead: 'Remove it.',
  },
  {
    field: 'prompt_cache_options',
    isDefault: isUnset,
    upstream: (v) => ({ prompt_cache_options: expectObject(v, 'prompt_cache_options') }),
    instead: 'Remove it.',
  },
  {
    field: 'moderation',
    isDefault: isUnset,
    upstream: (v) => ({ moderation: expectObject(v, 'moderation') }),
    instead: 'Remove it, and moderate the input and the answer yourself.',
  },
  {
    // Chat's `store` keeps the completion at OpenAI for evals and distillation (default false); the
    // Responses `store: true` keeps the response there the same way, in the logs evals draw on.
    field: 'store',
    isDefault: (v) => isUnset(v) || v === false,
    upstream: (v) => ({ store: expectBoolean(v, 'store') }),
    instead: 'Remove it; only OpenAI keeps completions for evals.',
  },
];

export const CHAT_NATIVE_FIELD_NAMES: ReadonlySet<string> = new Set(CHAT_NATIVE_FIELDS.map((f) => f.field));

/** Gathers the OpenAI-only fields that are set into `request.native`, each in its Responses form. */
export function collectChatNative(request: CanonicalRequest, body: JsonObject): void {
  for (const rule of CHAT_NATIVE_FIELDS) {
    const value = body[rule.field];
    if (isUnset(value)) continue;
    const upstream = rule.upstream(value);
    if (rule.isDefault(value)) continue;
    const native = nativeFields(request);
    Object.assign(native.body, upstream);
    native.refusable.push({ param: rule.field, instead: rule.instead });
  }
}

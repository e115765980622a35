// Chat Completions fields FlexInference refuses when set to a real value (docs/product.md §6): they have
// no counterpart in the canonical request, so carrying them to every provider is impossible and
// dropping them would change the answer silently. Their defaults pass. Unlike the OpenAI-only
// fields in native-fields.ts, these are not passed through to OpenAI models either: FlexInference
// calls OpenAI's Responses API, which has no such field, or (log probabilities) its answer would
// come back without what they ask for.
// https://platform.openai.com/docs/api-reference/chat/create
import { invalid, isObject, isUnset, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';

interface RefusedField {
  field: string;
  /** The value changes nothing (unset, 0, false, empty, n:1, ["text"]). */
  isDefault(value: unknown): boolean;
  /** The value has the documented type (else it is `invalid_parameter`, not `unsupported_parameter`). */
  isWellTyped(value: unknown): boolean;
  why: string;
}

const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isZeroOrUnset = (v: unknown): boolean => isUnset(v) || v === 0;
const isEmptyObject = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 0;
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');

export const REFUSED_FIELDS: readonly RefusedField[] = [
  { field: 'presence_penalty', isDefault: isZeroOrUnset, isWellTyped: isNumber, why: 'Presence penalties are not available on every provider, nor in the OpenAI Responses API that OpenAI models are called through.' },
  { field: 'frequency_penalty', isDefault: isZeroOrUnset, isWellTyped: isNumber, why: 'Frequency penalties are not available on every provider, nor in the OpenAI Responses API that OpenAI models are called through.' },
  { field: 'logit_bias', isDefault: (v) => isUnset(v) || isEmptyObject(v), isWellTyped: isObject, why: 'Token biases are tokenizer-specific, and the OpenAI Responses API that OpenAI models are called through has none.' },
  { field: 'logprobs', isDefault: (v) => isUnset(v) || v === false, isWellTyped: (v) => typeof v === 'boolean', why: 'Log probabilities are not available from every provider, and FlexInference does not return them.' },
  { field: 'top_logprobs', isDefault: isZeroOrUnset, isWellTyped: isNumber, why: 'Log probabilities are not available from every provider, and FlexInference does not return them.' },
  { field: 'seed', isDefault: isUnset, isWellTyped: isNumber, why: 'Seeded sampling is not available on every provider, nor in the OpenAI Responses API that OpenAI models are called through.' },
  {
    field: 'stop',
    isDefault: (v) => isUnset(v) || (Array.isArray(v) && v.length === 0),
    isWellTyped: (v) => typeof v === 'string' || isStringList(v),
    why: 'Stop sequences are not supported by the Responses-shaped canonical request.',
  },
  { field: 'prediction', isDefault: isUnset, isWellTyped: isObject, why: 'Predicted outputs exist only in OpenAI Chat Completions, not in the OpenAI Responses API that OpenAI models are called through.' },
  { field: 'audio', isDefault: isUnset, isWellTyped: isObject, why: 'Audio output is not supported.' },
  {
    field: 'modalities',
    isDefault: (v) => isUnset(v) || (isStringList(v) && (v as string[]).every((m) => m === 'text')),
    isWellTyped: isStringList,
    why: 'Only text output is supported.',
  },
  {
    field: 'n',
    isDefault: (v) => isUnset(v) || v === 1,
    isWellTyped: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1,
    why: 'Only one choice per request is supported; send several requests instead.',
  },
  // Not in the list in docs/product.md §6 but equally without a canonical counterpart.
  { field: 'functions', isDefault: (v) => isUnset(v) || (Array.isArray(v) && v.length === 0), isWellTyped: Array.isArray, why: '`functions` is deprecated; use `tools`.' },
  { field: 'function_call', isDefault: isUnset, isWellTyped: (v) => typeof v === 'string' || isObject(v), why: '`function_call` is deprecated; use `tool_choice`.' },
];

export const REFUSED_FIELD_NAMES: ReadonlySet<string> = new Set(REFUSED_FIELDS.map((f) => f.field));

export function refuseNonDefaultFields(body: JsonObject): void {
  for (const rule of REFUSED_FIELDS) {
    const value = body[rule.field];
    if (rule.isDefault(value)) continue;
    if (!rule.isWellTyped(value)) {
      throw invalid(rule.field, `\`${rule.field}\` has the wrong type.`);
    }
    throw unsupported(rule.field, `\`${rule.field}\` is not supported. ${rule.why}`);
  }
}

// Opaque reasoning state in the Messages dialect.
//
// Anthropic's own state travels verbatim: a thinking block's `signature`, or a redacted_thinking
// block's `data`. OpenAI encrypted reasoning and Gemini thought signatures have no Messages field of
// their own, yet an Anthropic SDK caller must be able to replay them so multi-turn tool loops keep
// working on those providers. They ride in the `signature` of a thinking block with a reversible
// prefix naming the provider (Anthropic clients replay thinking blocks unchanged, as the API
// requires: https://platform.claude.com/docs/en/build-with-claude/extended-thinking):
//
//   flexinf:openai:<item id>:<encrypted_content>   OpenAI reasoning item (its id is replayed too)
//   flexinf:gemini:<thought signature>             Gemini thought signature of a reasoning step
//   flexinf:<provider>-call:<signature>            opaque state of the function call (tool_use)
//                                                  right before this thinking block
//
// Anthropic signatures are base64 and never contain ':', so the prefix cannot collide with them.
import type { OpaqueReasoning, ProviderName } from '../../canonical/types.js';
import { invalid } from '../fields.js';

const PREFIX = 'flexinf:';
const CALL_SUFFIX = '-call';

/** What a thinking-block signature decodes to. */
export type DecodedMessagesSignature =
  | { kind: 'none' }
  | { kind: 'reasoning'; opaque: OpaqueReasoning; itemId?: string }
  | { kind: 'call'; opaque: OpaqueReasoning };

/** The signature for a reasoning item's opaque state (`itemId` is kept for OpenAI replay). */
export function encodeReasoningSignature(opaque: OpaqueReasoning, itemId: string): string {
  switch (opaque.provider) {
    case 'anthropic':
      return opaque.data;
    case 'openai':
      // OpenAI ids (rs_…) contain no ':'; an id that does is left out rather than corrupt the data.
      return `${PREFIX}openai:${itemId.includes(':') ? '' : itemId}:${opaque.data}`;
    case 'gemini':
      return `${PREFIX}gemini:${opaque.data}`;
  }
}

/** The signature of the thinking block that carries a function call's opaque state. */
export function encodeCallSignature(opaque: OpaqueReasoning): string {
  return `${PREFIX}${opaque.provider}${CALL_SUFFIX}:${opaque.data}`;
}

export function decodeMessagesSignature(signature: string, param: string): DecodedMessagesSignature {
  if (signature === '') return { kind: 'none' };
  if (!signature.startsWith(PREFIX)) return { kind: 'reasoning', opaque: { provider: 'anthropic', data: signature } };
  const rest = signature.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const tag = colon < 0 ? rest : rest.slice(0, colon);
  const data = colon < 0 ? '' : rest.slice(colon + 1);
  const isCall = tag.endsWith(CALL_SUFFIX);
  const provider = providerOf(isCall ? tag.slice(0, -CALL_SUFFIX.length) : tag);
  if (provider === undefined) {
    throw invalid(param, `\`${param}\` carries an unknown FlexInference signature tag "${tag}"; replay thinking blocks exactly as they were returned.`);
  }
  if (isCall) return { kind: 'call', opaque: { provider, data } };
  if (provider !== 'openai') return { kind: 'reasoning', opaque: { provider, data } };
  const idEnd = data.indexOf(':');
  if (idEnd < 0) return { kind: 'reasoning', opaque: { provider, data } };
  const itemId = data.slice(0, idEnd);
  const opaque: OpaqueReasoning = { provider, data: data.slice(idEnd + 1) };
  return itemId === '' ? { kind: 'reasoning', opaque } : { kind: 'reasoning', opaque, itemId };
}

function providerOf(tag: string): ProviderName | undefined {
  switch (tag) {
    case 'openai':
    case 'gemini':
    case 'anthropic':
      return tag;
    default:
      return undefined;
  }
}

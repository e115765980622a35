// Opaque reasoning state travels to an Interactions caller as a step `signature`, the only opaque
// slot the dialect has. Gemini's own thought signatures pass verbatim; state made by another
// provider is wrapped in a reversible prefix so it comes back to that provider, and only there,
// when the caller replays the step (stateless multi-turn tool loops keep working):
//
//   flexinf:openai:<reasoning item id>:<encrypted_content>
//   flexinf:anthropic:<thinking signature>
//   flexinf:anthropic-redacted:<redacted thinking data>
//
// Gemini signatures are base64 and never contain ':', so the prefix cannot collide with them.
import type { OpaqueReasoning } from '../../canonical/types.js';
import { invalid } from '../fields.js';

const PREFIX = 'flexinf:';

export interface DecodedInteractionsSignature {
  opaque: OpaqueReasoning;
  /** The original reasoning item id (OpenAI), when the signature carried one. */
  itemId?: string;
}

export function encodeSignature(opaque: OpaqueReasoning, itemId?: string): string {
  switch (opaque.provider) {
    case 'gemini':
      return opaque.data;
    case 'anthropic':
      return `${PREFIX}${opaque.redacted === true ? 'anthropic-redacted' : 'anthropic'}:${opaque.data}`;
    case 'openai':
      return `${PREFIX}openai:${itemId ?? ''}:${opaque.data}`;
  }
}

/** `undefined` for an empty signature (Gemini sends `""` when it has none). */
export function decodeInteractionsSignature(signature: string, param: string): DecodedInteractionsSignature | undefined {
  if (signature === '') return undefined;
  if (!signature.startsWith(PREFIX)) return { opaque: { provider: 'gemini', data: signature } };
  const rest = signature.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const kind = colon < 0 ? rest : rest.slice(0, colon);
  const payload = colon < 0 ? '' : rest.slice(colon + 1);
  switch (kind) {
    case 'anthropic':
      return { opaque: { provider: 'anthropic', data: payload } };
    case 'anthropic-redacted':
      return { opaque: { provider: 'anthropic', data: payload, redacted: true } };
    case 'openai':
      return decodeOpenAI(payload);
    default:
      throw invalid(param, `\`${param}\` has an unknown FlexInference signature prefix "${PREFIX}${kind}".`);
  }
}

function decodeOpenAI(payload: string): DecodedInteractionsSignature {
  const colon = payload.indexOf(':');
  if (colon < 0) return { opaque: { provider: 'openai', data: payload } };
  const itemId = payload.slice(0, colon);
  const opaque: OpaqueReasoning = { provider: 'openai', data: payload.slice(colon + 1) };
  return itemId === '' ? { opaque } : { opaque, itemId };
}

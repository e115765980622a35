// Opaque reasoning state in the Responses dialect.
//
// OpenAI's own state travels as `encrypted_content`, verbatim (a Fernet token, "gAAAAA…").
// Anthropic thinking signatures / redacted thinking data and Gemini thought signatures have no
// Responses field of their own, yet a Responses caller must be able to replay them so multi-turn
// tool loops keep working on those providers. They are carried in the same `encrypted_content`
// field with a reversible prefix that names the provider:
//
//   flexinf:anthropic:<signature>           Anthropic thinking block signature
//   flexinf:anthropic-redacted:<data>       Anthropic redacted_thinking data
//   flexinf:gemini:<thought signature>      Gemini thought signature
//
// The prefix cannot collide with OpenAI's tokens (which are base64url and contain no ':'), and a
// caller that replays output items as received gives back exactly the OpaqueReasoning it was sent.
import type { OpaqueReasoning } from '../../canonical/types.js';
import { invalid } from '../fields.js';

const PREFIX = 'flexinf:';

export function encodeOpaque(opaque: OpaqueReasoning): string {
  switch (opaque.provider) {
    case 'openai':
      return opaque.data;
    case 'anthropic':
      return `${PREFIX}${opaque.redacted ? 'anthropic-redacted' : 'anthropic'}:${opaque.data}`;
    case 'gemini':
      return `${PREFIX}gemini:${opaque.data}`;
  }
}

export function decodeOpaque(value: string, param: string): OpaqueReasoning {
  if (!value.startsWith(PREFIX)) return { provider: 'openai', data: value };
  const rest = value.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const tag = colon < 0 ? rest : rest.slice(0, colon);
  const data = colon < 0 ? '' : rest.slice(colon + 1);
  switch (tag) {
    case 'anthropic':
      return { provider: 'anthropic', data };
    case 'anthropic-redacted':
      return { provider: 'anthropic', data, redacted: true };
    case 'gemini':
      return { provider: 'gemini', data };
    default:
      throw invalid(param, `\`${param}\` carries an unknown FlexInference reasoning tag "${tag}"; replay the value exactly as it was returned.`);
  }
}

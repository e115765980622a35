// Interactions fields FlexInference refuses rather than drops (docs/product.md §6). A field set to its
// default (absent, null, false, empty) passes; anything else is refused with the field named.
// Field list: the @google/genai 2.x `CreateModelInteraction` / `GenerationConfig` types
// (https://ai.google.dev/api/interactions-api).
import { FlexError } from '../../errors/catalog.js';
import { isUnset, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';

/** Top-level fields decoded into the canonical request (or ignored by design, like start_within). */
const DECODED_TOP_LEVEL = new Set([
  'model',
  'start_within',
  'input',
  'system_instruction',
  'tools',
  'response_format',
  'response_mime_type',
  'response_modalities',
  'generation_config',
  'stream',
  'store',
  'labels',
]);

const STATELESS =
  'FlexInference is stateless: it keeps no interactions, so send the whole conversation in `input` instead.';

/**
 * Why each known-but-unsupported top-level field is refused. A Map, not an object literal: the
 * keys come from the caller's body, and an object would answer `constructor` or `__proto__` with
 * what it inherits (a message reading "[object Object]").
 */
const REFUSED_TOP_LEVEL: ReadonlyMap<string, string> = new Map([
  ['previous_interaction_id', `\`previous_interaction_id\` is not supported. ${STATELESS}`],
  ['background', `\`background: true\` is not supported. ${STATELESS}`],
  ['agent', '`agent` is not supported: FlexInference routes model interactions only.'],
  ['agent_config', '`agent_config` is not supported: FlexInference routes model interactions only.'],
  ['environment', '`environment` is not supported: FlexInference routes model interactions only.'],
  ['cached_content', `\`cached_content\` is not supported. ${STATELESS}`],
  ['continuation_token', `\`continuation_token\` is not supported. ${STATELESS}`],
  ['safety_settings', '`safety_settings` is not supported: it has no counterpart on the other providers.'],
  ['webhook_config', '`webhook_config` is not supported: FlexInference answers on the open connection only.'],
]);

const DECODED_GENERATION_CONFIG = new Set([
  'max_output_tokens',
  'temperature',
  'top_p',
  'thinking_level',
  'thinking_summaries',
  'tool_choice',
]);

/** Why each known-but-unsupported `generation_config` field is refused (a Map, as above). */
const REFUSED_GENERATION_CONFIG: ReadonlyMap<string, string> = new Map([
  ['seed', '`generation_config.seed` is not supported: not every provider can honour a sampling seed.'],
  ['stop_sequences', '`generation_config.stop_sequences` is not supported: not every provider can honour stop sequences.'],
  ['top_k', '`generation_config.top_k` is not supported: not every provider can honour top-k sampling.'],
  ['image_config', '`generation_config.image_config` is not supported: FlexInference carries text output only.'],
  ['speech_config', '`generation_config.speech_config` is not supported: FlexInference carries text output only.'],
  ['video_config', '`generation_config.video_config` is not supported: FlexInference carries text output only.'],
  ['transcription_config', '`generation_config.transcription_config` is not supported: FlexInference carries text input only.'],
]);

/** Default values that mean "not set", so an SDK that always sends them is not refused. */
function isDefault(value: unknown): boolean {
  if (isUnset(value) || value === false || value === '') return true;
  return Array.isArray(value) && value.length === 0;
}

/** Throws for the first refused or unknown top-level field, in body order. */
export function refuseInteractionsTopLevelFields(body: JsonObject): void {
  for (const [key, value] of Object.entries(body)) {
    if (DECODED_TOP_LEVEL.has(key)) continue;
    if (key === 'service_tier') {
      if (isUnset(value)) continue;
      throw new FlexError('service_tier_not_allowed', {
        param: 'service_tier',
        detail: '`service_tier` was set by the caller.',
      });
    }
    const reason = REFUSED_TOP_LEVEL.get(key);
    if (reason !== undefined) {
      if (isDefault(value)) continue;
      throw unsupported(key, reason);
    }
    throw unsupported(key, `Unknown field \`${key}\`: the Interactions API has no such request field.`);
  }
}

/** Throws for the first refused or unknown `generation_config` field. */
export function refuseGenerationConfigFields(config: JsonObject): void {
  for (const [key, value] of Object.entries(config)) {
    if (DECODED_GENERATION_CONFIG.has(key)) continue;
    const param = `generation_config.${key}`;
    const reason = REFUSED_GENERATION_CONFIG.get(key);
    if (reason !== undefined) {
      if (isDefault(value)) continue;
      throw unsupported(param, reason);
    }
    throw unsupported(param, `Unknown field \`${param}\`: the Interactions API has no such generation setting.`);
  }
}

// A parsed Interactions request body → the canonical request.
// https://ai.google.dev/api/interactions-api (CreateModelInteraction)
import type { CanonicalRequest } from '../../canonical/types.js';
import { decodeGenerationConfig, decodeOutputFormat, decodeTools } from './decode-config.js';
import { decodeInput } from './decode-input.js';
import type { InputContext } from './decode-input.js';
import { checkTopLevelFields } from './refused-fields.js';
import { expectBoolean, expectObject, expectString, invalid, isUnset, optString } from '../fields.js';
import type { JsonObject } from '../fields.js';

export interface DecodedInteraction {
  request: CanonicalRequest;
  stream: boolean;
  /** No image reached the request (usage can then be reported as all-text input). */
  textOnlyInput: boolean;
}

export function decodeRequest(body: JsonObject): DecodedInteraction {
  checkTopLevelFields(body);
  if (isUnset(body.input)) throw invalid('input', '`input` is required: the prompt text, content, or the conversation steps.');
  const ctx: InputContext = { warnings: [], hasImages: false, reasoningCount: 0 };
  const request: CanonicalRequest = {
    model: expectString(body.model, 'model'),
    input: decodeInput(body.input, ctx),
    // Interactions callers replay thought signatures statelessly; ask every provider for its state.
    includeEncryptedReasoning: true,
  };
  const instructions = optString(body.system_instruction, 'system_instruction');
  if (instructions !== undefined) request.instructions = instructions;
  if (!isUnset(body.tools)) {
    const tools = decodeTools(body.tools);
    if (tools.length > 0) request.tools = tools;
  }
  const output = decodeOutputFormat(body);
  if (output !== undefined) request.output = output;
  if (!isUnset(body.generation_config)) Object.assign(request, decodeGenerationConfig(body.generation_config));
  if (!isUnset(body.labels)) request.metadata = decodeLabels(body.labels);
  // `store` is accepted either way: nothing is ever stored, and history travels in `input`.
  if (!isUnset(body.store)) expectBoolean(body.store, 'store');
  if (ctx.warnings.length > 0) request.warnings = ctx.warnings;
  return {
    request,
    stream: isUnset(body.stream) ? false : expectBoolean(body.stream, 'stream'),
    textOnlyInput: !ctx.hasImages,
  };
}

function decodeLabels(value: unknown): Record<string, string> {
  const labels = expectObject(value, 'labels');
  const out: Record<string, string> = {};
  for (const [key, label] of Object.entries(labels)) out[key] = expectString(label, `labels.${key}`);
  return out;
}

// A parsed Interactions request body → the canonical request.
// https://ai.google.dev/api/interactions-api (CreateModelInteraction)
import type { CanonicalRequest, Warning } from '../../canonical/types.js';
import { decodeGenerationConfig, decodeInteractionsOutputFormat, decodeInteractionsTools } from './decode-config.js';
import { decodeInteractionsInput } from './decode-input.js';
import type { InputContext } from './decode-input.js';
import { refuseInteractionsTopLevelFields } from './refused-fields.js';
import { expectBoolean, expectObject, expectString, invalid, isUnset, optString } from '../fields.js';
import type { JsonObject } from '../fields.js';

export interface DecodedInteractionsRequest {
  request: CanonicalRequest;
  stream: boolean;
  /** What decoding changed to fit the canonical form. */
  warnings: Warning[];
  /** No image reached the request (usage can then be reported as all-text input). */
  textOnlyInput: boolean;
}

export function decodeInteractionsRequest(body: JsonObject): DecodedInteractionsRequest {
  refuseInteractionsTopLevelFields(body);
  if (isUnset(body.input)) throw invalid('input', '`input` is required: the prompt text, content, or the conversation steps.');
  const ctx: InputContext = { warnings: [], hasImages: false, reasoningCount: 0 };
  const request: CanonicalRequest = {
    model: expectString(body.model, 'model'),
    input: decodeInteractionsInput(body.input, ctx),
    // Interactions callers replay thought signatures statelessly; ask every provider for its state.
    includeEncryptedReasoning: true,
  };
  const instructions = optString(body.system_instruction, 'system_instruction');
  if (instructions !== undefined) request.instructions = instructions;
  if (!isUnset(body.tools)) {
    const tools = decodeInteractionsTools(body.tools);
    if (tools.functions.length > 0) request.tools = tools.functions;
    if (tools.webSearch !== undefined) request.webSearch = tools.webSearch;
  }
  const output = decodeInteractionsOutputFormat(body);
  if (output !== undefined) request.output = output;
  if (!isUnset(body.generation_config)) Object.assign(request, decodeGenerationConfig(body.generation_config));
  if (!isUnset(body.labels)) request.metadata = decodeLabels(body.labels);
  // `store` is accepted either way: nothing is ever stored, and history travels in `input`.
  if (!isUnset(body.store)) expectBoolean(body.store, 'store');
  return {
    request,
    stream: isUnset(body.stream) ? false : expectBoolean(body.stream, 'stream'),
    warnings: ctx.warnings,
    textOnlyInput: !ctx.hasImages,
  };
}

function decodeLabels(value: unknown): Record<string, string> {
  const labels = expectObject(value, 'labels');
  const out: Record<string, string> = {};
  for (const [key, label] of Object.entries(labels)) out[key] = expectString(label, `labels.${key}`);
  return out;
}

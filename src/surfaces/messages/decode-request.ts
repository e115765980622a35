// A /v1/messages body → the canonical request.
// https://platform.claude.com/docs/en/api/messages
//
// Check order inside the body: refused top-level fields (service_tier first), then max_tokens,
// then each carried field in the order of the API reference.
import type { CanonicalRequest, Warning } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { decodeMessages, decodeSystem } from './decode-messages.js';
import { combineReasoning, decodeOutputConfig, decodeMessagesOutputFormat, decodeThinking } from './decode-reasoning.js';
import { decodeMessagesToolChoice, decodeMessagesTools } from './decode-tools.js';
import type { Warn } from './decode-content.js';
import { expectObject, invalid, isUnset, optBoolean, optNumber, optString } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { refuseUnknownMessagesKeys } from './fields.js';
import { refuseMessagesTopLevelFields } from './refused-fields.js';

export interface DecodedMessagesRequest {
  request: CanonicalRequest;
  stream: boolean;
  /** What decoding changed to fit the canonical form. */
  warnings: Warning[];
}

export function decodeMessagesRequest(body: JsonObject): DecodedMessagesRequest {
  refuseMessagesTopLevelFields(body);
  const warnings: Warning[] = [];
  const warn: Warn = (warning) => {
    warnings.push(warning);
  };
  const request: CanonicalRequest = {
    model: decodeModel(body.model),
    maxOutputTokens: decodeMaxTokens(body.max_tokens),
    input: decodeMessages(body.messages, warn),
  };
  const instructions = decodeSystem(body.system);
  if (instructions !== undefined) request.instructions = instructions;
  const tools = decodeMessagesTools(body.tools);
  if (tools !== undefined) request.tools = tools.functions;
  if (tools?.webSearch !== undefined) request.webSearch = tools.webSearch;
  Object.assign(request, decodeMessagesToolChoice(body.tool_choice));
  decodeGeneration(body, request, warn);
  const user = decodeUser(body.metadata);
  if (user !== undefined) request.user = user;
  return { request, stream: optBoolean(body.stream, 'stream') ?? false, warnings };
}

function decodeModel(value: unknown): string {
  // The server has already refused a missing model; this guards direct use of the surface.
  if (typeof value !== 'string' || value === '') throw new FlexError('missing_model', { param: 'model' });
  return value;
}

/** `/v1/messages` always requires `max_tokens`, whatever the model (docs/product.md §5). */
function decodeMaxTokens(value: unknown): number {
  if (isUnset(value)) throw new FlexError('missing_max_tokens', { param: 'max_tokens', detail: '`max_tokens` is missing.' });
  const maxTokens = optNumber(value, 'max_tokens', { integer: true, min: 1 });
  if (maxTokens === undefined) throw invalid('max_tokens', '`max_tokens` must be an integer of at least 1.');
  return maxTokens;
}

/** thinking, output_config / output_format, temperature, top_p. */
function decodeGeneration(body: JsonObject, request: CanonicalRequest, warn: Warn): void {
  const config = decodeOutputConfig(body.output_config, warn);
  const reasoning = combineReasoning(decodeThinking(body.thinking), config.effort, warn);
  if (reasoning !== undefined) {
    request.reasoning = reasoning;
    // Thinking blocks come back with their signature so the caller can replay them; for OpenAI
    // that state is the encrypted reasoning, which must be asked for.
    if (reasoning.effort !== 'none') request.includeEncryptedReasoning = true;
  }
  const legacyFormat = decodeMessagesOutputFormat(body.output_format, 'output_format');
  if (legacyFormat !== undefined && config.output !== undefined) {
    throw invalid('output_format', 'Give the JSON schema once: `output_config.format` or `output_format`, not both.');
  }
  const output = config.output ?? legacyFormat;
  if (output !== undefined) request.output = output;
  // Anthropic's sampling ranges are 0–1 for both.
  const temperature = optNumber(body.temperature, 'temperature', { min: 0, max: 1 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optNumber(body.top_p, 'top_p', { min: 0, max: 1 });
  if (topP !== undefined) request.topP = topP;
}

function decodeUser(value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  const metadata = expectObject(value, 'metadata');
  refuseUnknownMessagesKeys(metadata, new Set(['user_id']), 'metadata');
  return optString(metadata.user_id, 'metadata.user_id');
}

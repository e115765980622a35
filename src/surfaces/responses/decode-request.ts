// OpenAI Responses request body → canonical request.
// https://platform.openai.com/docs/api-reference/responses/create
//
// OpenAI-only features (stateful fields, hosted tools, verbosity, …) pass through to OpenAI models
// as they are and are refused for the others, naming the target provider (server/native-fields.ts);
// nothing is dropped silently. `store` (default true) keeps the output items for `item_reference`
// (server/kept-items.ts) and is forwarded to OpenAI.
import type { CanonicalRequest } from '../../canonical/types.js';
import { decodeResponsesInput } from './decode-input.js';
import { decodeInclude, decodeReasoning, decodeText, decodeResponsesToolChoice, decodeResponsesTools } from './decode-options.js';
import { buildEcho, type ResponsesEcho } from './echo.js';
import {
  expectObject,
  expectString,
  invalid,
  isUnset,
  optBoolean,
  optNumber,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';
import { nativeFields, optMetadata, refuseServiceTier, refuseUnknownOpenAIKeys } from '../openai-dialect.js';

export interface DecodedResponsesRequest {
  request: CanonicalRequest;
  stream: boolean;
  echo: ResponsesEcho;
}

const ACCEPTED = [
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'reasoning',
  'max_output_tokens', 'temperature', 'top_p', 'user', 'safety_identifier', 'metadata', 'stream',
  'stream_options', 'include', 'store', 'start_within', 'service_tier',
] as const;

/**
 * OpenAI-only fields, passed through to OpenAI models when set to anything but their default, and
 * refused for the others with what to do instead (docs/product.md §6).
 */
const OPENAI_NATIVE: Record<string, { isDefault(v: unknown): boolean; instead: string }> = {
  previous_response_id: { isDefault: isUnset, instead: 'Send the whole conversation in `input` instead.' },
  conversation: { isDefault: isUnset, instead: 'Send the whole conversation in `input` instead.' },
  prompt: { isDefault: isUnset, instead: 'Send the prompt text in `instructions` and `input` instead.' },
  background: { isDefault: (v) => isUnset(v) || v === false, instead: 'Stream the request instead (`"stream": true`).' },
  truncation: { isDefault: (v) => isUnset(v) || v === 'disabled', instead: 'Remove it and keep the input within the model\'s context window.' },
  top_logprobs: { isDefault: (v) => isUnset(v) || v === 0, instead: 'Remove it.' },
  max_tool_calls: { isDefault: isUnset, instead: 'Remove it; your own loop decides how many function calls to run.' },
  prompt_cache_key: { isDefault: isUnset, instead: 'Remove it; the other providers cache prompts without a key.' },
  prompt_cache_retention: { isDefault: isUnset, instead: 'Remove it.' },
  prompt_cache_options: { isDefault: isUnset, instead: 'Remove it.' },
  context_management: { isDefault: (v) => isUnset(v) || (Array.isArray(v) && v.length === 0), instead: 'Remove it and trim the input yourself.' },
  moderation: { isDefault: isUnset, instead: 'Remove it.' },
};

const KNOWN = new Set<string>([...ACCEPTED, ...Object.keys(OPENAI_NATIVE)]);

export function decodeResponsesRequest(body: JsonObject): DecodedResponsesRequest {
  refuseServiceTier(body);
  refuseUnknownOpenAIKeys(body, KNOWN, '');
  if (isUnset(body.input)) throw invalid('input', '`input` is required: a string or a list of input items.');

  const request: CanonicalRequest = { model: expectString(body.model, 'model'), input: decodeResponsesInput(body.input) };
  assignOptions(request, body);
  const user = optString(body.user, 'user');
  const safetyIdentifier = optString(body.safety_identifier, 'safety_identifier');
  const endUser = safetyIdentifier ?? user;
  if (endUser !== undefined) request.user = endUser;

  const stream = optBoolean(body.stream, 'stream') ?? false;
  checkStreamOptions(body.stream_options, stream);
  const store = optBoolean(body.store, 'store') ?? true;
  collectNative(request, body, store);
  return { request, stream, echo: buildEcho(request, { store, user, safetyIdentifier }) };
}

/** Gathers the OpenAI-only fields that are set into `request.native` (with hosted tools and the rest). */
function collectNative(request: CanonicalRequest, body: JsonObject, store: boolean): void {
  const native = nativeFields(request);
  for (const [field, rule] of Object.entries(OPENAI_NATIVE)) {
    if (rule.isDefault(body[field])) continue;
    if (field === 'background' && isDuration(body.start_within)) {
      throw unsupported('background', '`background: true` cannot be combined with a duration in `start_within`: a background request has no start to race. Use "default", "priority" or "auto", or drop `background`.');
    }
    native.body[field] = body[field];
    native.refusable.push({ param: field, instead: rule.instead });
  }
  // OpenAI stores what it is asked to (its default is true); FlexInference keeps the items for every
  // provider itself, so `store` is honoured everywhere and never refused.
  native.body.store = store;
}

/** A duration `start_within` runs the flex race (the server validates it; this only recognises it). */
function isDuration(value: unknown): boolean {
  return typeof value === 'string' && /^\d{2}h-\d{2}m-\d{2}s$/.test(value);
}

/** Optional canonical fields, set only when present (exactOptionalPropertyTypes). */
function assignOptions(request: CanonicalRequest, body: JsonObject): void {
  const instructions = optString(body.instructions, 'instructions');
  if (instructions !== undefined) request.instructions = instructions;
  const native = nativeFields(request);
  const tools = decodeResponsesTools(body.tools, native);
  if (tools !== undefined) request.tools = tools.functions;
  if (tools?.webSearch !== undefined) request.webSearch = tools.webSearch;
  const toolChoice = decodeResponsesToolChoice(body.tool_choice, native);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optBoolean(body.parallel_tool_calls, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const output = decodeText(body.text, native);
  if (output !== undefined) request.output = output;
  const reasoning = decodeReasoning(body.reasoning);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const maxOutput = optNumber(body.max_output_tokens, 'max_output_tokens', { integer: true, min: 1 });
  if (maxOutput !== undefined) request.maxOutputTokens = maxOutput;
  const temperature = optNumber(body.temperature, 'temperature', { min: 0, max: 2 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optNumber(body.top_p, 'top_p', { min: 0, max: 1 });
  if (topP !== undefined) request.topP = topP;
  const metadata = optMetadata(body.metadata, 'metadata');
  if (metadata !== undefined) request.metadata = metadata;
  if (decodeInclude(body.include, native)) request.includeEncryptedReasoning = true;
}

/** `stream_options.include_obfuscation` only pads deltas; FlexInference sends no padding either way. */
function checkStreamOptions(value: unknown, stream: boolean): void {
  if (isUnset(value)) return;
  const options = expectObject(value, 'stream_options');
  refuseUnknownOpenAIKeys(options, new Set(['include_obfuscation']), 'stream_options');
  optBoolean(options.include_obfuscation, 'stream_options.include_obfuscation');
  if (!stream) throw invalid('stream_options', '`stream_options` is only allowed when `stream` is true.');
}

// OpenAI Responses request body → canonical request.
// https://platform.openai.com/docs/api-reference/responses/create
//
// FlexInference is stateless and provider-neutral: fields that need server-side state
// (previous_response_id, conversation, prompt, background) or that only OpenAI could honour are
// refused with `unsupported_parameter` when set to anything but their default, never dropped.
import type { CanonicalRequest } from '../../canonical/types.js';
import { decodeInput } from './decode-input.js';
import { decodeInclude, decodeReasoning, decodeText, decodeToolChoice, decodeTools } from './decode-options.js';
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
import { optMetadata, refuseServiceTier, rejectUnknownKeys } from '../openai-dialect.js';

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

/** Fields refused unless at their default; the predicate says whether a value is the default. */
const REFUSED_UNLESS_DEFAULT: Record<string, { isDefault(v: unknown): boolean; why: string }> = {
  previous_response_id: { isDefault: isUnset, why: 'FlexInference is stateless and keeps no earlier responses; send the whole conversation in `input`.' },
  conversation: { isDefault: isUnset, why: 'FlexInference is stateless and keeps no conversations; send the whole conversation in `input`.' },
  prompt: { isDefault: isUnset, why: 'Stored prompt templates live on OpenAI only; send the prompt text in `instructions` and `input`.' },
  background: { isDefault: (v) => isUnset(v) || v === false, why: 'Background responses need server-side storage; FlexInference answers in the request (stream it for long runs).' },
  truncation: { isDefault: (v) => isUnset(v) || v === 'disabled', why: 'Automatic truncation is OpenAI-only.' },
  top_logprobs: { isDefault: (v) => isUnset(v) || v === 0, why: 'Log probabilities are not available from every provider.' },
  max_tool_calls: { isDefault: isUnset, why: 'A built-in tool call budget is OpenAI-only.' },
  prompt_cache_key: { isDefault: isUnset, why: 'Prompt cache routing keys are OpenAI-only.' },
  prompt_cache_retention: { isDefault: isUnset, why: 'Prompt cache retention is OpenAI-only.' },
  prompt_cache_options: { isDefault: isUnset, why: 'Prompt cache options are OpenAI-only.' },
  context_management: { isDefault: (v) => isUnset(v) || (Array.isArray(v) && v.length === 0), why: 'Server-side context management is OpenAI-only.' },
  moderation: { isDefault: isUnset, why: 'Request moderation settings are OpenAI-only.' },
};

const KNOWN = new Set<string>([...ACCEPTED, ...Object.keys(REFUSED_UNLESS_DEFAULT)]);

export function decodeResponsesRequest(body: JsonObject): DecodedResponsesRequest {
  refuseServiceTier(body);
  rejectUnknownKeys(body, KNOWN, '');
  refuseNonDefaults(body);
  if (isUnset(body.input)) throw invalid('input', '`input` is required: a string or a list of input items.');

  const request: CanonicalRequest = { model: expectString(body.model, 'model'), input: decodeInput(body.input) };
  assignOptions(request, body);
  const user = optString(body.user, 'user');
  const safetyIdentifier = optString(body.safety_identifier, 'safety_identifier');
  const endUser = safetyIdentifier ?? user;
  if (endUser !== undefined) request.user = endUser;

  const stream = optBoolean(body.stream, 'stream') ?? false;
  checkStreamOptions(body.stream_options, stream);
  const store = optBoolean(body.store, 'store');
  return { request, stream, echo: buildEcho(request, { store, user, safetyIdentifier }) };
}

function refuseNonDefaults(body: JsonObject): void {
  for (const [field, rule] of Object.entries(REFUSED_UNLESS_DEFAULT)) {
    if (!rule.isDefault(body[field])) {
      throw unsupported(field, `\`${field}\` is not supported. ${rule.why}`);
    }
  }
}

/** Optional canonical fields, set only when present (exactOptionalPropertyTypes). */
function assignOptions(request: CanonicalRequest, body: JsonObject): void {
  const instructions = optString(body.instructions, 'instructions');
  if (instructions !== undefined) request.instructions = instructions;
  const tools = decodeTools(body.tools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optBoolean(body.parallel_tool_calls, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const output = decodeText(body.text);
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
  if (decodeInclude(body.include)) request.includeEncryptedReasoning = true;
}

/** `stream_options.include_obfuscation` only pads deltas; FlexInference sends no padding either way. */
function checkStreamOptions(value: unknown, stream: boolean): void {
  if (isUnset(value)) return;
  const options = expectObject(value, 'stream_options');
  rejectUnknownKeys(options, new Set(['include_obfuscation']), 'stream_options');
  optBoolean(options.include_obfuscation, 'stream_options.include_obfuscation');
  if (!stream) throw invalid('stream_options', '`stream_options` is only allowed when `stream` is true.');
}

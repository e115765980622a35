// OpenAI Chat Completions request body → canonical request.
// https://platform.openai.com/docs/api-reference/chat/create
//
// OpenAI-only fields (verbosity, prompt caching, moderation, store) pass through to OpenAI models in
// their Responses spelling and are refused for the others (native-fields.ts); fields no OpenAI model
// is reached with are refused for every model (refused-fields.ts). Nothing is dropped silently.
import type { CanonicalRequest, FunctionTool, OutputFormat, ToolChoice, WebSearchTool } from '../../canonical/types.js';
import {
  expectArray,
  expectObject,
  expectOneOf,
  expectString,
  invalid,
  isUnset,
  optBoolean,
  optNumber,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';
import { expectSchema, optEffort, optMetadata, refuseServiceTier, refuseUnknownOpenAIKeys } from '../openai-dialect.js';
import { decodeUserLocation } from '../openai-web-search.js';
import { decodeChatMessages } from './decode-messages.js';
import { CHAT_NATIVE_FIELD_NAMES, collectChatNative } from './native-fields.js';
import { REFUSED_FIELD_NAMES, refuseNonDefaultFields } from './refused-fields.js';

export interface DecodedChatRequest {
  request: CanonicalRequest;
  stream: boolean;
  /** `stream_options.include_usage`: a final usage chunk with `choices: []`. */
  includeUsage: boolean;
}

const ACCEPTED = [
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'reasoning_effort',
  'max_completion_tokens', 'max_tokens', 'temperature', 'top_p', 'user', 'safety_identifier', 'metadata',
  'stream', 'stream_options', 'start_within', 'service_tier', 'web_search_options',
] as const;

const KNOWN = new Set<string>([...ACCEPTED, ...CHAT_NATIVE_FIELD_NAMES, ...REFUSED_FIELD_NAMES]);

export function decodeChatRequest(body: JsonObject): DecodedChatRequest {
  refuseServiceTier(body);
  refuseUnknownOpenAIKeys(body, KNOWN, '');
  refuseNonDefaultFields(body);

  const request: CanonicalRequest = { model: expectString(body.model, 'model'), input: decodeChatMessages(body.messages) };
  assignOptions(request, body);
  collectChatNative(request, body);
  const stream = optBoolean(body.stream, 'stream') ?? false;
  return { request, stream, includeUsage: decodeStreamOptions(body.stream_options, stream) };
}

function assignOptions(request: CanonicalRequest, body: JsonObject): void {
  const tools = decodeChatTools(body.tools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeChatToolChoice(body.tool_choice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optBoolean(body.parallel_tool_calls, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const output = decodeResponseFormat(body.response_format);
  if (output !== undefined) request.output = output;
  const effort = optEffort(body.reasoning_effort, 'reasoning_effort');
  if (effort !== undefined) request.reasoning = { effort };
  // max_tokens is the older name of max_completion_tokens; the newer one wins when both are sent.
  const maxCompletion = optNumber(body.max_completion_tokens, 'max_completion_tokens', { integer: true, min: 1 });
  const maxTokens = optNumber(body.max_tokens, 'max_tokens', { integer: true, min: 1 });
  const max = maxCompletion ?? maxTokens;
  if (max !== undefined) request.maxOutputTokens = max;
  const temperature = optNumber(body.temperature, 'temperature', { min: 0, max: 2 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optNumber(body.top_p, 'top_p', { min: 0, max: 1 });
  if (topP !== undefined) request.topP = topP;
  // safety_identifier is the newer name of the end-user id; it wins when both are sent.
  const legacyUser = optString(body.user, 'user');
  const user = optString(body.safety_identifier, 'safety_identifier') ?? legacyUser;
  if (user !== undefined) request.user = user;
  const metadata = optMetadata(body.metadata, 'metadata');
  if (metadata !== undefined) request.metadata = metadata;
  const webSearch = decodeWebSearchOptions(body.web_search_options);
  if (webSearch !== undefined) request.webSearch = webSearch;
}

/**
 * `web_search_options` asks for the web search every provider runs (docs/product.md §6), with its
 * context size and an approximate user location nested in `approximate`.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-web_search_options
 */
function decodeWebSearchOptions(value: unknown): WebSearchTool | undefined {
  if (isUnset(value)) return undefined;
  const options = expectObject(value, 'web_search_options');
  refuseUnknownOpenAIKeys(options, new Set(['search_context_size', 'user_location']), 'web_search_options');
  const tool: WebSearchTool = { field: 'web_search_options' };
  if (!isUnset(options.search_context_size)) {
    tool.contextSize = expectOneOf(options.search_context_size, 'web_search_options.search_context_size', ['low', 'medium', 'high'] as const);
  }
  if (!isUnset(options.user_location)) {
    const location = expectObject(options.user_location, 'web_search_options.user_location');
    refuseUnknownOpenAIKeys(location, new Set(['type', 'approximate']), 'web_search_options.user_location');
    const approximate = decodeUserLocation(location.approximate, 'web_search_options.user_location.approximate');
    if (approximate !== undefined) tool.userLocation = approximate;
  }
  return tool;
}

function decodeChatTools(value: unknown): FunctionTool[] | undefined {
  if (isUnset(value)) return undefined;
  return expectArray(value, 'tools').map((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    if (tool.type !== 'function') {
      throw unsupported(`${path}.type`, `Tools of type ${JSON.stringify(tool.type)} are not supported; only "function" tools are.`);
    }
    refuseUnknownOpenAIKeys(tool, new Set(['type', 'function']), path);
    const fn = expectObject(tool.function, `${path}.function`);
    refuseUnknownOpenAIKeys(fn, new Set(['name', 'description', 'parameters', 'strict']), `${path}.function`);
    const out: FunctionTool = {
      type: 'function',
      name: expectString(fn.name, `${path}.function.name`),
      // Omitting `parameters` defines a function with an empty parameter list.
      parameters: isUnset(fn.parameters) ? { type: 'object', properties: {} } : expectSchema(fn.parameters, `${path}.function.parameters`),
    };
    const description = optString(fn.description, `${path}.function.description`);
    if (description !== undefined) out.description = description;
    const strict = optBoolean(fn.strict, `${path}.function.strict`);
    if (strict !== undefined) out.strict = strict;
    return out;
  });
}

function decodeChatToolChoice(value: unknown): ToolChoice | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'string') {
    return { type: expectOneOf(value, 'tool_choice', ['auto', 'none', 'required'] as const) };
  }
  const choice = expectObject(value, 'tool_choice');
  if (choice.type !== 'function') {
    throw unsupported('tool_choice.type', `tool_choice of type ${JSON.stringify(choice.type)} is not supported; use "auto", "none", "required" or {"type":"function","function":{"name":…}}.`);
  }
  refuseUnknownOpenAIKeys(choice, new Set(['type', 'function']), 'tool_choice');
  const fn = expectObject(choice.function, 'tool_choice.function');
  refuseUnknownOpenAIKeys(fn, new Set(['name']), 'tool_choice.function');
  return { type: 'function', name: expectString(fn.name, 'tool_choice.function.name') };
}

function decodeResponseFormat(value: unknown): OutputFormat | undefined {
  if (isUnset(value)) return undefined;
  const format = expectObject(value, 'response_format');
  const type = expectOneOf(format.type, 'response_format.type', ['text', 'json_object', 'json_schema'] as const);
  if (type !== 'json_schema') {
    refuseUnknownOpenAIKeys(format, new Set(['type']), 'response_format');
    return { type };
  }
  refuseUnknownOpenAIKeys(format, new Set(['type', 'json_schema']), 'response_format');
  const spec = expectObject(format.json_schema, 'response_format.json_schema');
  const path = 'response_format.json_schema';
  refuseUnknownOpenAIKeys(spec, new Set(['name', 'schema', 'strict', 'description']), path);
  const out: OutputFormat = {
    type: 'json_schema',
    name: expectString(spec.name, `${path}.name`),
    // Chat allows omitting the schema; an empty schema accepts any JSON object.
    schema: isUnset(spec.schema) ? {} : expectSchema(spec.schema, `${path}.schema`),
  };
  const description = optString(spec.description, `${path}.description`);
  if (description !== undefined) out.description = description;
  const strict = optBoolean(spec.strict, `${path}.strict`);
  if (strict !== undefined) out.strict = strict;
  return out;
}

function decodeStreamOptions(value: unknown, stream: boolean): boolean {
  if (isUnset(value)) return false;
  const options = expectObject(value, 'stream_options');
  refuseUnknownOpenAIKeys(options, new Set(['include_usage', 'include_obfuscation']), 'stream_options');
  optBoolean(options.include_obfuscation, 'stream_options.include_obfuscation');
  if (!stream) throw invalid('stream_options', '`stream_options` is only allowed when `stream` is true.');
  return optBoolean(options.include_usage, 'stream_options.include_usage') ?? false;
}

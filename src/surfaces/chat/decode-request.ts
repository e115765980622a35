// OpenAI Chat Completions request body → canonical request.
// https://platform.openai.com/docs/api-reference/chat/create
import type { CanonicalRequest, FunctionTool, OutputFormat, ToolChoice } from '../../canonical/types.js';
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
import { expectSchema, optEffort, optMetadata, refuseServiceTier, rejectUnknownKeys } from '../openai-dialect.js';
import { decodeMessages } from './decode-messages.js';
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
  'stream', 'stream_options', 'store', 'start_within', 'service_tier',
] as const;

const KNOWN = new Set<string>([...ACCEPTED, ...REFUSED_FIELD_NAMES]);

export function decodeChatRequest(body: JsonObject): DecodedChatRequest {
  refuseServiceTier(body);
  rejectUnknownKeys(body, KNOWN, '');
  refuseNonDefaultFields(body);

  const request: CanonicalRequest = { model: expectString(body.model, 'model'), input: decodeMessages(body.messages) };
  assignOptions(request, body);
  const stream = optBoolean(body.stream, 'stream') ?? false;
  optBoolean(body.store, 'store');
  return { request, stream, includeUsage: decodeStreamOptions(body.stream_options, stream) };
}

function assignOptions(request: CanonicalRequest, body: JsonObject): void {
  const tools = decodeTools(body.tools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice);
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
}

function decodeTools(value: unknown): FunctionTool[] | undefined {
  if (isUnset(value)) return undefined;
  return expectArray(value, 'tools').map((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    if (tool.type !== 'function') {
      throw unsupported(`${path}.type`, `Tools of type ${JSON.stringify(tool.type)} are not supported; only "function" tools are.`);
    }
    rejectUnknownKeys(tool, new Set(['type', 'function']), path);
    const fn = expectObject(tool.function, `${path}.function`);
    rejectUnknownKeys(fn, new Set(['name', 'description', 'parameters', 'strict']), `${path}.function`);
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

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'string') {
    return { type: expectOneOf(value, 'tool_choice', ['auto', 'none', 'required'] as const) };
  }
  const choice = expectObject(value, 'tool_choice');
  if (choice.type !== 'function') {
    throw unsupported('tool_choice.type', `tool_choice of type ${JSON.stringify(choice.type)} is not supported; use "auto", "none", "required" or {"type":"function","function":{"name":…}}.`);
  }
  rejectUnknownKeys(choice, new Set(['type', 'function']), 'tool_choice');
  const fn = expectObject(choice.function, 'tool_choice.function');
  rejectUnknownKeys(fn, new Set(['name']), 'tool_choice.function');
  return { type: 'function', name: expectString(fn.name, 'tool_choice.function.name') };
}

function decodeResponseFormat(value: unknown): OutputFormat | undefined {
  if (isUnset(value)) return undefined;
  const format = expectObject(value, 'response_format');
  const type = expectOneOf(format.type, 'response_format.type', ['text', 'json_object', 'json_schema'] as const);
  if (type !== 'json_schema') {
    rejectUnknownKeys(format, new Set(['type']), 'response_format');
    return { type };
  }
  rejectUnknownKeys(format, new Set(['type', 'json_schema']), 'response_format');
  const spec = expectObject(format.json_schema, 'response_format.json_schema');
  const path = 'response_format.json_schema';
  rejectUnknownKeys(spec, new Set(['name', 'schema', 'strict', 'description']), path);
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
  rejectUnknownKeys(options, new Set(['include_usage', 'include_obfuscation']), 'stream_options');
  optBoolean(options.include_obfuscation, 'stream_options.include_obfuscation');
  if (!stream) throw invalid('stream_options', '`stream_options` is only allowed when `stream` is true.');
  return optBoolean(options.include_usage, 'stream_options.include_usage') ?? false;
}

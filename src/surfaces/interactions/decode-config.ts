// `tools`, `response_format` and `generation_config` → canonical request settings.
// https://ai.google.dev/api/interactions-api (Tool, ResponseFormat, GenerationConfig)
import type {
  CanonicalRequest,
  FunctionTool,
  OutputFormat,
  ReasoningConfig,
  ToolChoice,
  WebSearchTool,
} from '../../canonical/types.js';
import { refuseGenerationConfigFields } from './refused-fields.js';
import {
  describe,
  expectArray,
  expectInteger,
  expectNumber,
  expectObject,
  expectOneOf,
  expectString,
  invalid,
  isObject,
  isUnset,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';

type GenerationSettings = Pick<
  CanonicalRequest,
  'maxOutputTokens' | 'temperature' | 'topP' | 'reasoning' | 'toolChoice'
>;

export interface DecodedInteractionsTools {
  functions: FunctionTool[];
  webSearch?: WebSearchTool;
}

/**
 * Function tools, and `google_search`: the web search every provider runs (docs/product.md §6),
 * sent as is to Gemini. https://ai.google.dev/gemini-api/docs/google-search
 */
export function decodeInteractionsTools(value: unknown): DecodedInteractionsTools {
  const decoded: DecodedInteractionsTools = { functions: [] };
  expectArray(value, 'tools').forEach((entry, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(entry, path);
    if (tool.type !== 'google_search') {
      decoded.functions.push(decodeTool(tool, path));
      return;
    }
    if (decoded.webSearch !== undefined) throw unsupported(`${path}.type`, `Only one google_search tool may be given; ${decoded.webSearch.field} is one already.`);
    if (!isUnset(tool.search_types)) expectArray(tool.search_types, `${path}.search_types`).forEach((t, j) => expectString(t, `${path}.search_types[${j}]`));
    decoded.webSearch = { field: path, raw: { provider: 'gemini', tool } };
  });
  return decoded;
}

function decodeTool(tool: JsonObject, path: string): FunctionTool {
  const type = expectString(tool.type, `${path}.type`);
  if (type !== 'function') {
    throw unsupported(`${path}.type`, `Tool type "${type}" is a built-in Google tool, which FlexInference does not carry; only "function" tools and "google_search" are supported.`);
  }
  const out: FunctionTool = {
    type: 'function',
    name: expectString(tool.name, `${path}.name`),
    parameters: isUnset(tool.parameters)
      ? { type: 'object', properties: {} }
      : expectObject(tool.parameters, `${path}.parameters`),
  };
  const description = optString(tool.description, `${path}.description`);
  if (description !== undefined) out.description = description;
  return out;
}

const MEDIA_FORMATS = new Set(['image', 'audio', 'video']);

/**
 * `response_format` is one entry or a list: `{type:"text", mime_type:"application/json", schema}`
 * asks for JSON output. An object without one of the entry types is taken as the JSON schema
 * itself (the earlier form of the field, still sent by some clients with `response_mime_type`).
 */
export function decodeInteractionsOutputFormat(body: JsonObject): OutputFormat | undefined {
  checkResponseModalities(body.response_modalities);
  const mimeType = optString(body.response_mime_type, 'response_mime_type');
  if (isUnset(body.response_format)) return mimeType === undefined ? undefined : formatForMime(mimeType, undefined, 'response_mime_type');
  const entries = Array.isArray(body.response_format) ? body.response_format : [body.response_format];
  let format: OutputFormat | undefined;
  entries.forEach((entry, i) => {
    const path = Array.isArray(body.response_format) ? `response_format[${i}]` : 'response_format';
    const obj = expectObject(entry, path);
    if (typeof obj.type === 'string' && MEDIA_FORMATS.has(obj.type)) {
      throw unsupported(`${path}.type`, `"${obj.type}" output is not supported: FlexInference carries text output only.`);
    }
    format = obj.type === 'text' ? decodeTextEntry(obj, path) : jsonSchema(obj);
  });
  return format;
}

function decodeTextEntry(entry: JsonObject, path: string): OutputFormat {
  const mimeType = optString(entry.mime_type, `${path}.mime_type`) ?? 'text/plain';
  const schema = isUnset(entry.schema) ? undefined : expectObject(entry.schema, `${path}.schema`);
  return formatForMime(mimeType, schema, `${path}.mime_type`);
}

function formatForMime(mimeType: string, schema: JsonObject | undefined, param: string): OutputFormat {
  if (mimeType === 'application/json') return schema === undefined ? { type: 'json_object' } : jsonSchema(schema);
  if (mimeType === 'text/plain') return { type: 'text' };
  throw unsupported(param, `Output MIME type "${mimeType}" is not supported; use "application/json" or "text/plain".`);
}

function jsonSchema(schema: JsonObject): OutputFormat {
  const title = typeof schema.title === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(schema.title) ? schema.title : 'response';
  return { type: 'json_schema', name: title, schema };
}

function checkResponseModalities(value: unknown): void {
  if (isUnset(value)) return;
  expectArray(value, 'response_modalities').forEach((m, i) => {
    const modality = expectString(m, `response_modalities[${i}]`);
    if (modality !== 'text') {
      throw unsupported(`response_modalities[${i}]`, `"${modality}" output is not supported: FlexInference carries text output only.`);
    }
  });
}

const THINKING_LEVELS = ['minimal', 'low', 'medium', 'high'] as const;

export function decodeGenerationConfig(value: unknown): GenerationSettings {
  const config = expectObject(value, 'generation_config');
  refuseGenerationConfigFields(config);
  const out: GenerationSettings = {};
  const p = (key: string): string => `generation_config.${key}`;
  if (!isUnset(config.max_output_tokens)) out.maxOutputTokens = expectInteger(config.max_output_tokens, p('max_output_tokens'), { min: 1 });
  if (!isUnset(config.temperature)) out.temperature = expectNumber(config.temperature, p('temperature'));
  if (!isUnset(config.top_p)) out.topP = expectNumber(config.top_p, p('top_p'));
  const reasoning = decodeReasoning(config);
  if (reasoning !== undefined) out.reasoning = reasoning;
  if (!isUnset(config.tool_choice)) out.toolChoice = decodeInteractionsToolChoice(config.tool_choice);
  return out;
}

/** `thinking_level` is the reasoning effort; `thinking_summaries: "auto"` asks for summaries. */
function decodeReasoning(config: JsonObject): ReasoningConfig | undefined {
  const reasoning: ReasoningConfig = {};
  if (!isUnset(config.thinking_level)) {
    reasoning.effort = expectOneOf(config.thinking_level, 'generation_config.thinking_level', THINKING_LEVELS);
  }
  if (!isUnset(config.thinking_summaries)) {
    const summaries = expectOneOf(config.thinking_summaries, 'generation_config.thinking_summaries', ['auto', 'none']);
    if (summaries === 'auto') reasoning.summary = 'auto';
  }
  return Object.keys(reasoning).length === 0 ? undefined : reasoning;
}

/** Modes map one to one; `allowed_tools` is carried only when it forces a single function. */
function decodeInteractionsToolChoice(value: unknown): ToolChoice {
  const param = 'generation_config.tool_choice';
  if (typeof value === 'string') return modeChoice(value, param);
  if (!isObject(value)) throw invalid(param, `\`${param}\` must be a string or an object; got ${describe(value)}.`);
  const allowed = expectObject(value.allowed_tools, `${param}.allowed_tools`);
  const mode = isUnset(allowed.mode) ? 'auto' : expectString(allowed.mode, `${param}.allowed_tools.mode`);
  const tools = isUnset(allowed.tools) ? [] : expectArray(allowed.tools, `${param}.allowed_tools.tools`);
  if (tools.length === 0) return modeChoice(mode, `${param}.allowed_tools.mode`);
  const first = tools[0];
  if (mode === 'any' && tools.length === 1) {
    return { type: 'function', name: expectString(first, `${param}.allowed_tools.tools[0]`) };
  }
  throw unsupported(`${param}.allowed_tools`, 'Restricting the model to a subset of tools is not supported; only `mode: "any"` with exactly one tool (force that function) can be carried.');
}

function modeChoice(mode: string, param: string): ToolChoice {
  switch (mode) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'any':
      return { type: 'required' };
    case 'validated':
      throw unsupported(param, 'Tool choice "validated" is not supported: it has no counterpart on the other providers.');
    default:
      throw invalid(param, `\`${param}\` must be one of "auto", "any", "none", got "${mode}".`);
  }
}

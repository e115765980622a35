// Responses request options: tools, tool_choice, text.format, reasoning, include.
// https://platform.openai.com/docs/api-reference/responses/create
// OpenAI-only options (hosted tools, verbosity, other `include` values) go to `native`: passed
// through to OpenAI models, refused for the others (docs/product.md §6).
import type { FunctionTool, NativeFields, OutputFormat, ReasoningConfig, ToolChoice, WebSearchTool } from '../../canonical/types.js';
import {
  expectArray,
  expectObject,
  expectOneOf,
  expectString,
  isUnset,
  optBoolean,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';
import { expectSchema, optEffort, refuseUnknownOpenAIKeys } from '../openai-dialect.js';
import { decodeWebSearchTool, WEB_SEARCH_TOOLS } from '../openai-web-search.js';

const TOOL_KEYS = new Set(['type', 'name', 'description', 'parameters', 'strict']);

/**
 * Tools OpenAI runs itself (https://platform.openai.com/docs/guides/tools), web search aside: that
 * one every provider runs (openai-web-search.ts).
 */
const HOSTED_TOOLS = new Set([
  'file_search',
  'code_interpreter', 'mcp', 'image_generation', 'computer_use_preview', 'computer', 'local_shell', 'shell',
  'apply_patch', 'custom', 'tool_search', 'namespace',
]);

export interface DecodedResponsesTools {
  functions: FunctionTool[];
  webSearch?: WebSearchTool;
}

export function decodeResponsesTools(value: unknown, native: NativeFields): DecodedResponsesTools | undefined {
  if (isUnset(value)) return undefined;
  const decoded: DecodedResponsesTools = { functions: [] };
  expectArray(value, 'tools').forEach((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    if (tool.type === 'function') decoded.functions.push(decodeTool(tool, path));
    else if (typeof tool.type === 'string' && WEB_SEARCH_TOOLS.has(tool.type)) {
      if (decoded.webSearch !== undefined) {
        throw unsupported(`${path}.type`, `Only one web search tool may be given; ${decoded.webSearch.field} is one already.`);
      }
      decoded.webSearch = decodeWebSearchTool(tool, path);
    } else if (typeof tool.type === 'string' && HOSTED_TOOLS.has(tool.type)) {
      native.tools.push(tool);
      native.refusable.push({ param: `${path}.type`, instead: `Remove the ${tool.type} tool, or give a function tool that does the same.` });
    } else {
      throw unsupported(`${path}.type`, `Tools of type ${JSON.stringify(tool.type)} are not known; use "function", "web_search" or one of OpenAI's hosted tools (${[...HOSTED_TOOLS].slice(0, 8).join(', ')}, …).`);
    }
  });
  return decoded;
}

function decodeTool(tool: JsonObject, path: string): FunctionTool {
  refuseUnknownOpenAIKeys(tool, TOOL_KEYS, path);
  const out: FunctionTool = {
    type: 'function',
    name: expectString(tool.name, `${path}.name`),
    // `parameters` is nullable in the Responses API: no schema means no arguments.
    parameters: isUnset(tool.parameters)
      ? { type: 'object', properties: {} }
      : expectSchema(tool.parameters, `${path}.parameters`),
  };
  const description = optString(tool.description, `${path}.description`);
  if (description !== undefined) out.description = description;
  const strict = optBoolean(tool.strict, `${path}.strict`);
  if (strict !== undefined) out.strict = strict;
  return out;
}

export function decodeResponsesToolChoice(value: unknown, native: NativeFields): ToolChoice | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'string') {
    return { type: expectOneOf(value, 'tool_choice', ['auto', 'none', 'required'] as const) };
  }
  const choice = expectObject(value, 'tool_choice');
  if (choice.type !== 'function') {
    // A hosted tool, `allowed_tools`, `mcp` or `custom` choice: OpenAI's own.
    expectString(choice.type, 'tool_choice.type');
    native.body.tool_choice = choice;
    native.refusable.push({ param: 'tool_choice.type', instead: 'Use "auto", "none", "required" or {"type":"function","name":…}.' });
    return undefined;
  }
  refuseUnknownOpenAIKeys(choice, new Set(['type', 'name']), 'tool_choice');
  return { type: 'function', name: expectString(choice.name, 'tool_choice.name') };
}

const FORMAT_SCHEMA_KEYS = new Set(['type', 'name', 'schema', 'description', 'strict']);

export function decodeText(value: unknown, native: NativeFields): OutputFormat | undefined {
  if (isUnset(value)) return undefined;
  const text = expectObject(value, 'text');
  refuseUnknownOpenAIKeys(text, new Set(['format', 'verbosity']), 'text');
  // Verbosity has no counterpart on other providers; the default means nothing to carry.
  if (!isUnset(text.verbosity)) {
    const verbosity = expectOneOf(text.verbosity, 'text.verbosity', ['low', 'medium', 'high'] as const);
    if (verbosity !== 'medium') {
      native.body.text = { verbosity };
      native.refusable.push({ param: 'text.verbosity', instead: 'Remove it, or ask for the length you want in `instructions`.' });
    }
  }
  return isUnset(text.format) ? undefined : decodeFormat(text.format);
}

function decodeFormat(value: unknown): OutputFormat {
  const format = expectObject(value, 'text.format');
  const type = expectOneOf(format.type, 'text.format.type', ['text', 'json_object', 'json_schema'] as const);
  switch (type) {
    case 'text':
    case 'json_object':
      refuseUnknownOpenAIKeys(format, new Set(['type']), 'text.format');
      return { type };
    case 'json_schema': {
      refuseUnknownOpenAIKeys(format, FORMAT_SCHEMA_KEYS, 'text.format');
      const out: OutputFormat = {
        type: 'json_schema',
        name: expectString(format.name, 'text.format.name'),
        schema: expectSchema(format.schema, 'text.format.schema'),
      };
      const description = optString(format.description, 'text.format.description');
      if (description !== undefined) out.description = description;
      const strict = optBoolean(format.strict, 'text.format.strict');
      if (strict !== undefined) out.strict = strict;
      return out;
    }
  }
}

export function decodeReasoning(value: unknown): ReasoningConfig | undefined {
  if (isUnset(value)) return undefined;
  const reasoning = expectObject(value, 'reasoning');
  refuseUnknownOpenAIKeys(reasoning, new Set(['effort', 'summary', 'generate_summary']), 'reasoning');
  const out: ReasoningConfig = {};
  const effort = optEffort(reasoning.effort, 'reasoning.effort');
  if (effort !== undefined) out.effort = effort;
  // `generate_summary` is the deprecated spelling of `summary`.
  const summaryParam = isUnset(reasoning.summary) ? 'reasoning.generate_summary' : 'reasoning.summary';
  const summaryValue = isUnset(reasoning.summary) ? reasoning.generate_summary : reasoning.summary;
  if (!isUnset(summaryValue)) {
    out.summary = expectOneOf(summaryValue, summaryParam, ['auto', 'concise', 'detailed'] as const);
  }
  return out.effort === undefined && out.summary === undefined ? undefined : out;
}

/** `include`: `reasoning.encrypted_content` has a canonical meaning; the other values are OpenAI's. */
export function decodeInclude(value: unknown, native: NativeFields): boolean {
  if (isUnset(value)) return false;
  let encrypted = false;
  const others: string[] = [];
  expectArray(value, 'include').forEach((entry, i) => {
    const name = expectString(entry, `include[${i}]`);
    if (name === 'reasoning.encrypted_content') encrypted = true;
    else {
      others.push(name);
      native.refusable.push({ param: `include[${i}]`, instead: 'Remove it; only "reasoning.encrypted_content" is available from every provider.' });
    }
  });
  if (others.length > 0) native.body.include = others;
  return encrypted;
}

// Responses request options: tools, tool_choice, text.format, reasoning, include.
// https://platform.openai.com/docs/api-reference/responses/create
import type { FunctionTool, OutputFormat, ReasoningConfig, ToolChoice } from '../../canonical/types.js';
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
import { expectSchema, optEffort, rejectUnknownKeys } from '../openai-dialect.js';

const TOOL_KEYS = new Set(['type', 'name', 'description', 'parameters', 'strict']);

export function decodeTools(value: unknown): FunctionTool[] | undefined {
  if (isUnset(value)) return undefined;
  return expectArray(value, 'tools').map((raw, i) => decodeTool(raw, `tools[${i}]`));
}

function decodeTool(raw: unknown, path: string): FunctionTool {
  const tool = expectObject(raw, path);
  if (tool.type !== 'function') {
    throw unsupported(
      `${path}.type`,
      `Tools of type ${JSON.stringify(tool.type)} (hosted tools such as web_search or file_search) cannot run on every provider; only "function" tools are supported.`,
    );
  }
  rejectUnknownKeys(tool, TOOL_KEYS, path);
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

export function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'string') {
    return { type: expectOneOf(value, 'tool_choice', ['auto', 'none', 'required'] as const) };
  }
  const choice = expectObject(value, 'tool_choice');
  if (choice.type !== 'function') {
    throw unsupported(
      'tool_choice.type',
      `tool_choice of type ${JSON.stringify(choice.type)} is not supported; use "auto", "none", "required" or {"type":"function","name":…}.`,
    );
  }
  rejectUnknownKeys(choice, new Set(['type', 'name']), 'tool_choice');
  return { type: 'function', name: expectString(choice.name, 'tool_choice.name') };
}

const FORMAT_SCHEMA_KEYS = new Set(['type', 'name', 'schema', 'description', 'strict']);

export function decodeText(value: unknown): OutputFormat | undefined {
  if (isUnset(value)) return undefined;
  const text = expectObject(value, 'text');
  rejectUnknownKeys(text, new Set(['format', 'verbosity']), 'text');
  // Verbosity has no counterpart on other providers; only the default passes.
  if (!isUnset(text.verbosity)) {
    const verbosity = expectOneOf(text.verbosity, 'text.verbosity', ['low', 'medium', 'high'] as const);
    if (verbosity !== 'medium') {
      throw unsupported('text.verbosity', '`text.verbosity` other than "medium" cannot be carried to every provider.');
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
      rejectUnknownKeys(format, new Set(['type']), 'text.format');
      return { type };
    case 'json_schema': {
      rejectUnknownKeys(format, FORMAT_SCHEMA_KEYS, 'text.format');
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
  rejectUnknownKeys(reasoning, new Set(['effort', 'summary', 'generate_summary']), 'reasoning');
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

/** `include`: only `reasoning.encrypted_content` has a canonical meaning. */
export function decodeInclude(value: unknown): boolean {
  if (isUnset(value)) return false;
  let encrypted = false;
  expectArray(value, 'include').forEach((entry, i) => {
    const name = expectString(entry, `include[${i}]`);
    if (name !== 'reasoning.encrypted_content') {
      throw unsupported(`include[${i}]`, `include value ${JSON.stringify(name)} is not supported; only "reasoning.encrypted_content" is.`);
    }
    encrypted = true;
  });
  return encrypted;
}

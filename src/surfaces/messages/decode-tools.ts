// `tools` and `tool_choice` of /v1/messages → canonical function tools and tool choice.
// https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use
import type { FunctionTool, ToolChoice, WebSearchTool } from '../../canonical/types.js';
import {
  expectArray,
  expectObject,
  expectString,
  invalid,
  isUnset,
  optBoolean,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';
import { decodeWebSearchTool, WEB_SEARCH_TYPES } from './decode-web-search.js';
import { refuseCacheControl, refuseUnknownMessagesKeys, typeOf } from './fields.js';

// `eager_input_streaming` is sent on every tool by @ai-sdk/anthropic when streaming.
const TOOL_KEYS = new Set(['type', 'name', 'description', 'input_schema', 'strict', 'eager_input_streaming', 'cache_control']);

export interface DecodedMessagesTools {
  functions: FunctionTool[];
  webSearch?: WebSearchTool;
}

export function decodeMessagesTools(value: unknown): DecodedMessagesTools | undefined {
  if (isUnset(value)) return undefined;
  const decoded: DecodedMessagesTools = { functions: [] };
  expectArray(value, 'tools').forEach((raw, index) => {
    const param = `tools.${index}`;
    const tool = expectObject(raw, param);
    if (typeof tool.type === 'string' && WEB_SEARCH_TYPES.has(tool.type)) {
      if (decoded.webSearch !== undefined) throw unsupported(`${param}.type`, `Only one web search tool may be given; ${decoded.webSearch.field} is one already.`);
      decoded.webSearch = decodeWebSearchTool(tool, param);
    } else decoded.functions.push(decodeTool(tool, param));
  });
  return decoded;
}

function decodeTool(tool: JsonObject, param: string): FunctionTool {
  // Client tools have no type (or "custom"); server tools (web_search_…, bash_…) run at Anthropic.
  if (!isUnset(tool.type)) {
    const type = typeOf(tool, param);
    if (type !== 'custom') {
      throw unsupported(`${param}.type`, `Anthropic server tools ("${type}") are not supported: only custom tools with an input_schema, and the web search tool ("web_search_20250305"), can be carried to every provider.`);
    }
  }
  refuseUnknownMessagesKeys(tool, TOOL_KEYS, param);
  refuseCacheControl(tool, param);
  const decoded: FunctionTool = {
    type: 'function',
    name: expectString(tool.name, `${param}.name`),
    parameters: expectObject(tool.input_schema, `${param}.input_schema`),
  };
  const description = optString(tool.description, `${param}.description`);
  if (description !== undefined && description !== '') decoded.description = description;
  const strict = optBoolean(tool.strict, `${param}.strict`);
  if (strict !== undefined) decoded.strict = strict;
  const eager = optBoolean(tool.eager_input_streaming, `${param}.eager_input_streaming`);
  if (eager !== undefined) decoded.eagerInputStreaming = eager;
  return decoded;
}

export interface DecodedToolChoice {
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
}

export function decodeMessagesToolChoice(value: unknown): DecodedToolChoice {
  if (isUnset(value)) return {};
  const choice = expectObject(value, 'tool_choice');
  const type = typeOf(choice, 'tool_choice');
  refuseUnknownMessagesKeys(choice, new Set(['type', 'name', 'disable_parallel_tool_use']), 'tool_choice');
  const disableParallel = optBoolean(choice.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use');
  // Anthropic allows parallel tool use unless told otherwise; only the explicit opt-out is carried.
  const parallel: DecodedToolChoice = disableParallel === true ? { parallelToolCalls: false } : {};
  switch (type) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, ...parallel };
    case 'any':
      return { toolChoice: { type: 'required' }, ...parallel };
    case 'tool':
      return { toolChoice: { type: 'function', name: expectString(choice.name, 'tool_choice.name') }, ...parallel };
    case 'none':
      return { toolChoice: { type: 'none' }, ...parallel };
    default:
      throw invalid('tool_choice.type', `\`tool_choice.type\` must be "auto", "any", "tool" or "none"; got "${type}".`);
  }
}

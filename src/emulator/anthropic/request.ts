// Reads an Anthropic Messages request body into the emulator's view of it.
// https://docs.anthropic.com/en/api/messages
import type { HttpReply } from '../dialect.js';
import { isObject, jsonLength, num, objects, str, type JsonObject } from '../json.js';
import type { Ask, AskTool } from '../reply.js';
import { ANTHROPIC_ERRORS } from './errors.js';

export interface AnthropicRequest {
  ask: Ask;
  /** `thinking` is enabled (or adaptive): thinking blocks with signatures may be returned. */
  thinking: boolean;
}

interface Conversation {
  lastUserText: string;
  chars: number;
  hasImage: boolean;
  hasDocument: boolean;
  endsWithToolResult: boolean;
}

function blockChars(block: JsonObject): number {
  const text = str(block.text) ?? str(block.thinking);
  if (text !== undefined) return text.length;
  if (block.type === 'tool_result') return typeof block.content === 'string' ? block.content.length : jsonLength(block.content);
  if (block.type === 'tool_use') return jsonLength(block.input);
  return 0;
}

function readMessages(messages: JsonObject[]): Conversation {
  const conv: Conversation = { lastUserText: '', chars: 0, hasImage: false, hasDocument: false, endsWithToolResult: false };
  for (const m of messages) {
    const blocks: JsonObject[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : objects(m.content);
    let text = '';
    for (const b of blocks) {
      conv.chars += blockChars(b);
      if (b.type === 'text') text = text === '' ? (str(b.text) ?? '') : `${text}\n${str(b.text) ?? ''}`;
    }
    if (m.role === 'user' && text !== '') {
      conv.lastUserText = text;
      conv.hasImage = blocks.some((b) => b.type === 'image');
      conv.hasDocument = blocks.some((b) => b.type === 'document');
    }
  }
  const last = messages.at(-1);
  conv.endsWithToolResult = last?.role === 'user' && objects(last.content).some((b) => b.type === 'tool_result');
  return conv;
}

function readTools(tools: unknown): AskTool[] {
  // Server tools (web search, code execution, …) carry a versioned `type`; only custom tools are called here.
  return objects(tools)
    .filter((t) => t.type === undefined || t.type === 'custom')
    .map((t) => ({ name: str(t.name) ?? 'tool', parameters: t.input_schema }));
}

/** Structured outputs: `output_format` (beta) or `output_config.format`. */
function readJsonFormat(body: JsonObject): Ask['json'] {
  const config = isObject(body.output_config) ? body.output_config : {};
  const format = isObject(body.output_format) ? body.output_format : config.format;
  return isObject(format) && format.type === 'json_schema' ? { schema: format.schema } : undefined;
}

function systemChars(system: unknown): number {
  if (typeof system === 'string') return system.length;
  return objects(system).reduce((n, b) => n + (str(b.text) ?? '').length, 0);
}

/** `{type:"any"}` or `{type:"tool", name}` forces a call. */
function forcedTool(choice: unknown): Pick<Ask, 'forcedTool'> {
  if (!isObject(choice)) return {};
  if (choice.type === 'any') return { forcedTool: true };
  if (choice.type === 'tool' && typeof choice.name === 'string') return { forcedTool: choice.name };
  return {};
}

export function readAnthropicRequest(body: JsonObject): AnthropicRequest | HttpReply {
  const model = str(body.model);
  if (model === undefined || model === '') return ANTHROPIC_ERRORS.fieldRequired('model');
  const maxTokens = num(body.max_tokens);
  if (maxTokens === undefined) return ANTHROPIC_ERRORS.fieldRequired('max_tokens');
  if (!Array.isArray(body.messages)) return ANTHROPIC_ERRORS.fieldRequired('messages');
  const tier = str(body.service_tier) ?? 'auto';
  if (tier !== 'auto' && tier !== 'standard_only') return ANTHROPIC_ERRORS.invalid("service_tier: Input should be 'auto' or 'standard_only'");
  const conv = readMessages(objects(body.messages));
  const tools = readTools(body.tools);
  const thinkingType = isObject(body.thinking) ? body.thinking.type : undefined;
  const thinking = thinkingType === 'enabled' || thinkingType === 'adaptive';
  const json = readJsonFormat(body);
  const ask: Ask = {
    model,
    tier,
    tierClass: 'standard',
    stream: body.stream === true,
    lastUserText: conv.lastUserText,
    inputChars: systemChars(body.system) + conv.chars + jsonLength(body.tools),
    hasImage: conv.hasImage,
    hasDocument: conv.hasDocument,
    webSearch: objects(body.tools).some((t) => typeof t.type === 'string' && t.type.startsWith('web_search_')),
    pausesTurns: true,
    endsWithToolResult: conv.endsWithToolResult,
    tools,
    ...forcedTool(body.tool_choice),
    wantsReasoning: thinking,
    maxOutputTokens: maxTokens,
    ...(json ? { json } : {}),
  };
  return { ask, thinking };
}

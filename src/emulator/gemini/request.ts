// Reads a Gemini Interactions request body into the emulator's view of it.
// https://ai.google.dev/api/interactions-api — `input` is a string, one content, a list of
// contents (one user turn), or a list of steps (user_input, model_output, function_call,
// function_result, thought); turns with `role` are read too.
import type { HttpReply } from '../dialect.js';
import { isObject, jsonLength, list, num, objects, str, type JsonObject } from '../json.js';
import type { Ask, AskTool } from '../reply.js';
import type { TierClass } from '../types.js';
import { GEMINI_ERRORS } from './errors.js';

export interface GeminiRequest {
  ask: Ask;
  /** generation_config.thinking_summaries = auto: thought steps carry a summary. */
  summaries: boolean;
}

const TIERS: Record<string, TierClass> = { flex: 'flex', standard: 'standard', priority: 'priority' };
const CONTENT_TYPES = new Set(['text', 'image', 'audio', 'document', 'video']);

interface Conversation {
  lastUserText: string;
  chars: number;
  hasImage: boolean;
  hasDocument: boolean;
  endsWithToolResult: boolean;
}

function readContents(contents: JsonObject[]): { text: string; image: boolean; document: boolean; chars: number } {
  const texts = contents.map((c) => str(c.text) ?? '').filter((t) => t !== '');
  const text = texts.join('\n');
  return { text, image: contents.some((c) => c.type === 'image'), document: contents.some((c) => c.type === 'document'), chars: text.length };
}

function contentsOf(value: unknown): JsonObject[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return isObject(value) ? [value] : objects(value);
}

function userTurn(conv: Conversation, contents: JsonObject[]): void {
  const read = readContents(contents);
  conv.chars += read.chars;
  if (read.text !== '') {
    conv.lastUserText = read.text;
    conv.hasImage = read.image;
    conv.hasDocument = read.document;
  }
}

function readInput(input: unknown): Conversation {
  const conv: Conversation = { lastUserText: '', chars: 0, hasImage: false, hasDocument: false, endsWithToolResult: false };
  const items = contentsOf(input);
  if (items.every((i) => CONTENT_TYPES.has(String(i.type)))) {
    userTurn(conv, items);
    return conv;
  }
  for (const item of items) {
    if (item.type === 'user_input') userTurn(conv, contentsOf(item.content));
    else if (item.role === 'user') userTurn(conv, contentsOf(item.content));
    else if (item.type === 'function_result') conv.chars += typeof item.result === 'string' ? item.result.length : jsonLength(item.result);
    else conv.chars += readContents(contentsOf(item.content)).chars + jsonLength(item.arguments);
  }
  const last = items.at(-1);
  conv.endsWithToolResult = last?.type === 'function_result' || objects(last?.content).some((c) => c.type === 'function_result');
  return conv;
}

function readTools(tools: unknown): AskTool[] {
  return objects(tools)
    .filter((t) => t.type === 'function')
    .map((t) => ({ name: str(t.name) ?? 'tool', parameters: t.parameters }));
}

/** `response_format` (one or a list; a text format with a schema, or a bare schema) or the older mime type. */
function readJsonFormat(body: JsonObject): Ask['json'] {
  const formats = Array.isArray(body.response_format) ? objects(body.response_format) : contentsOf(body.response_format);
  for (const f of formats) {
    if (f.schema !== undefined) return { schema: f.schema };
    if (f.type === 'object' || isObject(f.properties)) return { schema: f };
    if (f.mime_type === 'application/json') return {};
  }
  return body.response_mime_type === 'application/json' ? {} : undefined;
}

/** `"any"`, or `allowed_tools` in mode "any" (one allowed tool names it), forces a call. */
function forcedTool(choice: unknown): Pick<Ask, 'forcedTool'> {
  if (choice === 'any') return { forcedTool: true };
  const allowed = isObject(choice) && isObject(choice.allowed_tools) ? choice.allowed_tools : undefined;
  if (allowed?.mode !== 'any') return {};
  const names = list(allowed.tools).filter((name): name is string => typeof name === 'string');
  return names.length === 1 && names[0] !== undefined ? { forcedTool: names[0] } : { forcedTool: true };
}

export function readGeminiRequest(body: JsonObject): GeminiRequest | HttpReply {
  const model = str(body.model);
  if (model === undefined || model === '') return GEMINI_ERRORS.invalid('model is required.');
  if (body.input === undefined) return GEMINI_ERRORS.invalid('input is required.');
  const tier = str(body.service_tier) ?? 'standard';
  const tierClass = Object.hasOwn(TIERS, tier) ? TIERS[tier] : undefined;
  if (!tierClass) return GEMINI_ERRORS.invalid(`Invalid value at 'service_tier' ("${tier}"): expected one of flex, standard, priority.`);
  const config = isObject(body.generation_config) ? body.generation_config : {};
  const conv = readInput(body.input);
  const json = readJsonFormat(body);
  const maxOutputTokens = num(config.max_output_tokens);
  const ask: Ask = {
    model,
    tier,
    tierClass,
    stream: body.stream === true,
    lastUserText: conv.lastUserText,
    inputChars: (str(body.system_instruction) ?? '').length + conv.chars + jsonLength(list(body.tools).length > 0 ? body.tools : undefined),
    hasImage: conv.hasImage,
    hasDocument: conv.hasDocument,
    webSearch: objects(body.tools).some((t) => t.type === 'google_search'),
    endsWithToolResult: conv.endsWithToolResult,
    tools: readTools(body.tools),
    ...forcedTool(config.tool_choice),
    wantsReasoning: str(config.thinking_level) !== undefined,
    ...(json ? { json } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
  return { ask, summaries: config.thinking_summaries === 'auto' };
}

// Reads an OpenAI Responses request body into the emulator's view of it.
// https://platform.openai.com/docs/api-reference/responses/create
import type { HttpReply } from '../dialect.js';
import { isObject, jsonLength, list, num, objects, str, type JsonObject } from '../json.js';
import type { Ask, AskTool } from '../reply.js';
import type { TierClass } from '../types.js';
import { OPENAI_ERRORS } from './errors.js';

/** Request fields the response object echoes back. */
export interface OpenAIEcho {
  instructions: string | null;
  maxOutputTokens: number | null;
  maxToolCalls: number | null;
  parallelToolCalls: boolean;
  previousResponseId: string | null;
  promptCacheKey: string | null;
  reasoning: { effort: string | null; summary: string | null };
  safetyIdentifier: string | null;
  /** The tier as requested (`auto` when absent), echoed by response.created / in_progress. */
  requestedTier: string;
  store: boolean;
  temperature: number;
  text: { format: unknown; verbosity: string };
  toolChoice: unknown;
  tools: unknown[];
  topLogprobs: number;
  topP: number;
  truncation: string;
  user: string | null;
  metadata: unknown;
}

export interface OpenAIRequest {
  ask: Ask;
  echo: OpenAIEcho;
  includeEncrypted: boolean;
  /** `include: ["code_interpreter_call.outputs"]`: code interpreter items list their logs. */
  includeCodeOutputs: boolean;
  summaryRequested: boolean;
  obfuscate: boolean;
  /** A refusal that arrives after the lifecycle events (flex on a model without flex). */
  lateRefusal?: HttpReply;
}

const TIERS: Record<string, { tier: string; tierClass: TierClass }> = {
  auto: { tier: 'default', tierClass: 'standard' },
  default: { tier: 'default', tierClass: 'standard' },
  scale: { tier: 'default', tierClass: 'standard' },
  flex: { tier: 'flex', tierClass: 'flex' },
  priority: { tier: 'priority', tierClass: 'priority' },
};

/** Older families never had a flex tier (https://platform.openai.com/docs/pricing?latest-pricing=flex). */
function hasNoFlex(model: string): boolean {
  return /^(gpt-4|gpt-3\.5|chatgpt-)/.test(model);
}

interface Conversation {
  lastUserText: string;
  chars: number;
  hasImage: boolean;
  endsWithToolResult: boolean;
  badReasoningItem?: string;
}

function partText(part: JsonObject): string {
  return str(part.text) ?? str(part.refusal) ?? '';
}

function readContent(content: unknown): { text: string; image: boolean } {
  if (typeof content === 'string') return { text: content, image: false };
  let text = '';
  let image = false;
  for (const part of objects(content)) {
    if (part.type === 'input_image') image = true;
    const t = partText(part);
    if (t !== '') text = text === '' ? t : `${text}\n${t}`;
  }
  return { text, image };
}

function readInput(input: unknown): Conversation {
  const conv: Conversation = { lastUserText: '', chars: 0, hasImage: false, endsWithToolResult: false };
  if (typeof input === 'string') return { ...conv, lastUserText: input, chars: input.length };
  const items = objects(input);
  for (const item of items) {
    const type = str(item.type) ?? 'message';
    if (type === 'message') {
      const { text, image } = readContent(item.content);
      conv.chars += text.length;
      if (item.role === 'user') {
        conv.lastUserText = text;
        conv.hasImage = image;
      }
    } else if (type === 'function_call_output') {
      conv.chars += typeof item.output === 'string' ? item.output.length : jsonLength(item.output);
    } else if (type === 'function_call') {
      conv.chars += (str(item.arguments) ?? '').length;
    } else if (type === 'reasoning') {
      const enc = str(item.encrypted_content);
      if (enc !== undefined && !enc.startsWith('gAAAAA')) conv.badReasoningItem = str(item.id) ?? 'rs_unknown';
    }
  }
  conv.endsWithToolResult = items.at(-1)?.type === 'function_call_output';
  return conv;
}

/** The last user message carries an `input_file` part. */
function hasDocument(input: unknown): boolean {
  const last = objects(input).findLast((item) => item.role === 'user');
  return last !== undefined && objects(last.content).some((c) => c.type === 'input_file');
}

function readTools(tools: unknown): { ask: AskTool[]; echo: unknown[] } {
  const ask: AskTool[] = [];
  const echo: unknown[] = [];
  for (const t of objects(tools)) {
    if (t.type !== 'function') {
      echo.push(t);
      continue;
    }
    const name = str(t.name) ?? 'tool';
    ask.push({ name, parameters: t.parameters });
    echo.push({ type: 'function', description: str(t.description) ?? null, name, parameters: t.parameters ?? null, strict: t.strict ?? true });
  }
  return { ask, echo };
}

function readJsonFormat(text: unknown): Ask['json'] {
  const format = isObject(text) ? text.format : undefined;
  if (!isObject(format)) return undefined;
  if (format.type === 'json_schema') return { schema: format.schema };
  if (format.type === 'json_object') return {};
  return undefined;
}

function wantsReasoning(reasoning: unknown, include: string[]): boolean {
  if (include.includes('reasoning.encrypted_content')) return true;
  if (!isObject(reasoning)) return false;
  return reasoning.effort !== 'none' && (reasoning.effort !== undefined || reasoning.summary !== undefined);
}

function echoFor(body: JsonObject, tools: unknown[], wants: boolean): OpenAIEcho {
  const reasoning = isObject(body.reasoning) ? body.reasoning : {};
  const text = isObject(body.text) ? body.text : {};
  return {
    instructions: str(body.instructions) ?? null,
    maxOutputTokens: num(body.max_output_tokens) ?? null,
    maxToolCalls: num(body.max_tool_calls) ?? null,
    parallelToolCalls: body.parallel_tool_calls !== false,
    previousResponseId: str(body.previous_response_id) ?? null,
    promptCacheKey: str(body.prompt_cache_key) ?? null,
    reasoning: { effort: str(reasoning.effort) ?? (wants ? 'medium' : null), summary: str(reasoning.summary) ?? null },
    safetyIdentifier: str(body.safety_identifier) ?? null,
    requestedTier: str(body.service_tier) ?? 'auto',
    store: body.store !== false,
    temperature: num(body.temperature) ?? 1,
    text: { format: text.format ?? { type: 'text' }, verbosity: str(text.verbosity) ?? 'medium' },
    toolChoice: body.tool_choice ?? 'auto',
    tools,
    topLogprobs: num(body.top_logprobs) ?? 0,
    topP: num(body.top_p) ?? 1,
    truncation: str(body.truncation) ?? 'disabled',
    user: str(body.user) ?? null,
    metadata: isObject(body.metadata) ? body.metadata : {},
  };
}

/** `"required"` or `{type:"function", name}` forces a call. */
function forcedTool(choice: unknown): Pick<Ask, 'forcedTool'> {
  if (choice === 'required') return { forcedTool: true };
  if (isObject(choice) && choice.type === 'function' && typeof choice.name === 'string') return { forcedTool: choice.name };
  return {};
}

export function readOpenAIRequest(body: JsonObject): OpenAIRequest | HttpReply {
  const model = str(body.model);
  if (model === undefined || model === '') return OPENAI_ERRORS.missingParam('model');
  if (body.input === undefined && body.previous_response_id === undefined) return OPENAI_ERRORS.missingParam('input');
  const rawTier = str(body.service_tier) ?? 'auto';
  const tier = Object.hasOwn(TIERS, rawTier) ? TIERS[rawTier] : undefined;
  if (!tier) {
    return OPENAI_ERRORS.invalidValue('service_tier', `Invalid value: '${rawTier}'. Supported values are: 'auto', 'default', 'flex', 'scale', and 'priority'.`);
  }
  const conv = readInput(body.input);
  if (conv.badReasoningItem !== undefined) return OPENAI_ERRORS.encryptedContent(conv.badReasoningItem);
  const include = list(body.include).filter((x): x is string => typeof x === 'string');
  const tools = readTools(body.tools);
  const wants = wantsReasoning(body.reasoning, include);
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  const instructions = str(body.instructions) ?? '';
  const maxOutputTokens = num(body.max_output_tokens);
  const json = readJsonFormat(body.text);
  const ask: Ask = {
    model,
    tier: tier.tier,
    tierClass: tier.tierClass,
    stream: body.stream === true,
    lastUserText: conv.lastUserText,
    inputChars: instructions.length + conv.chars + jsonLength(body.tools === undefined ? undefined : tools.ask),
    hasImage: conv.hasImage,
    hasDocument: hasDocument(body.input),
    webSearch: objects(body.tools).some((t) => typeof t.type === 'string' && t.type.startsWith('web_search')),
    codeInterpreter: objects(body.tools).some((t) => t.type === 'code_interpreter'),
    endsWithToolResult: conv.endsWithToolResult,
    tools: tools.ask,
    ...forcedTool(body.tool_choice),
    wantsReasoning: wants,
    ...(json ? { json } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
  const summary = isObject(body.reasoning) ? str(body.reasoning.summary) : undefined;
  const request: OpenAIRequest = {
    ask,
    echo: echoFor(body, tools.echo, wants),
    includeEncrypted: include.includes('reasoning.encrypted_content'),
    includeCodeOutputs: include.includes('code_interpreter_call.outputs'),
    summaryRequested: summary !== undefined,
    obfuscate: streamOptions.include_obfuscation !== false,
  };
  return tier.tierClass === 'flex' && hasNoFlex(model) ? { ...request, lateRefusal: OPENAI_ERRORS.flexUnsupported(model) } : request;
}

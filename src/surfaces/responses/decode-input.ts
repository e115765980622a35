// Responses `input` → canonical input items.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
import type {
  FileContent,
  FileSource,
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContent,
  InputItem,
  InputMessage,
  ItemStatus,
  ProviderItem,
  ProviderName,
  ReasoningItem,
  WebSearchCallItem,
} from '../../canonical/types.js';
import {
  expectArray,
  expectObject,
  expectOneOf,
  expectString,
  invalid,
  isUnset,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';
import { optDetail, parseImageUrl, refuseUnknownOpenAIKeys } from '../openai-dialect.js';
import { decodeOpaque } from './opaque-reasoning.js';

export function decodeResponsesInput(value: unknown): InputItem[] {
  if (typeof value === 'string') {
    return [{ type: 'message', role: 'user', content: [{ type: 'text', text: value }] }];
  }
  return expectArray(value, 'input').map((item, i) => decodeItem(item, `input[${i}]`));
}

function decodeItem(value: unknown, path: string): InputItem {
  const item = expectObject(value, path);
  // EasyInputMessage may omit `type`; a bare {role, content} is a message.
  const type = item.type ?? 'message';
  switch (type) {
    case 'message':
      return decodeMessage(item, path);
    case 'function_call':
      return decodeFunctionCall(item, path);
    case 'function_call_output':
      return decodeFunctionCallOutput(item, path);
    case 'reasoning':
      return decodeReasoning(item, path);
    case 'item_reference':
      refuseUnknownOpenAIKeys(item, REFERENCE_KEYS, path);
      return { type: 'item_reference', id: expectString(item.id, `${path}.id`) };
    case 'web_search_call':
      return decodeWebSearchCall(item, path);
    default:
      if (typeof type === 'string' && OPENAI_ITEMS.has(type)) return decodeProviderItem(item, type, path);
      throw unsupported(
        `${path}.type`,
        `Input items of type ${JSON.stringify(type)} are not supported; FlexInference carries message, function_call, function_call_output, reasoning, web_search_call and item_reference items, and OpenAI's own items (${[...OPENAI_ITEMS].slice(0, 6).join(', ')}, …).`,
      );
  }
}

/**
 * Items of OpenAI's hosted tools (https://platform.openai.com/docs/api-reference/responses/create#responses-create-input):
 * the calls OpenAI made and the answers a caller gives to them. They are OpenAI's alone, so they
 * are sent back to OpenAI as they are and left out for the other providers (with a warning).
 */
const OPENAI_ITEMS = new Set([
  'file_search_call', 'code_interpreter_call', 'image_generation_call',
  'mcp_list_tools', 'mcp_call', 'mcp_approval_request', 'mcp_approval_response',
  'computer_call', 'computer_call_output', 'local_shell_call', 'local_shell_call_output',
  'shell_call', 'shell_call_output', 'apply_patch_call', 'apply_patch_call_output',
  'custom_tool_call', 'custom_tool_call_output', 'tool_search_call', 'tool_search_output',
  'additional_tools', 'compaction', 'compaction_trigger', 'program', 'program_output',
]);

/** Kept verbatim: OpenAI validates its own items, and every field it sent is part of the replay. */
function decodeProviderItem(item: JsonObject, type: string, path: string): ProviderItem {
  const id = optString(item.id, `${path}.id`) ?? '';
  return { type: 'provider_item', id, provider: 'openai', itemType: type, raw: item };
}

const REFERENCE_KEYS = new Set(['type', 'id']);
const MESSAGE_KEYS = new Set(['type', 'role', 'content', 'id', 'status', 'phase']);
const ROLES = ['user', 'assistant', 'system', 'developer'] as const;

function decodeMessage(item: JsonObject, path: string): InputMessage {
  refuseUnknownOpenAIKeys(item, MESSAGE_KEYS, path);
  const role = expectOneOf(item.role, `${path}.role`, ROLES);
  const message: InputMessage = { type: 'message', role, content: decodeContent(item.content, `${path}.content`) };
  const id = optString(item.id, `${path}.id`);
  if (id !== undefined) message.id = id;
  optStatus(item.status, `${path}.status`);
  const phase = optString(item.phase, `${path}.phase`);
  if (phase !== undefined) message.phase = phase;
  return message;
}

function decodeContent(value: unknown, path: string): InputContent[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return expectArray(value, path).map((part, j) => decodePart(part, `${path}[${j}]`));
}

// `parsed` (on output_text) and `parsed_arguments` (on function_call) are added by the openai SDK's
// parse/stream helpers (lib/ResponsesParser) to the output items a caller replays as received; they
// are the SDK's own parse of `text` / `arguments`, so they carry nothing and are accepted, not forwarded.
const TEXT_KEYS = new Set(['type', 'text', 'annotations', 'logprobs', 'parsed']);
const IMAGE_KEYS = new Set(['type', 'image_url', 'detail', 'file_id']);
const REFUSAL_KEYS = new Set(['type', 'refusal']);

/** Message content parts; also the rich form of a function_call_output. */
export function decodePart(value: unknown, path: string): InputContent {
  const part = expectObject(value, path);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      refuseUnknownOpenAIKeys(part, TEXT_KEYS, path);
      return { type: 'text', text: expectString(part.text, `${path}.text`) };
    case 'refusal':
      refuseUnknownOpenAIKeys(part, REFUSAL_KEYS, path);
      return { type: 'refusal', refusal: expectString(part.refusal, `${path}.refusal`) };
    case 'input_image':
      return decodeImage(part, path);
    case 'input_file':
      return decodeFile(part, path);
    default:
      throw unsupported(
        `${path}.type`,
        `Content parts of type ${JSON.stringify(part.type)} are not supported; use input_text, input_image, input_file, output_text or refusal.`,
      );
  }
}

function decodeImage(part: JsonObject, path: string): InputContent {
  refuseUnknownOpenAIKeys(part, IMAGE_KEYS, path);
  if (!isUnset(part.file_id)) {
    throw unsupported(`${path}.file_id`, 'Uploaded file ids cannot be carried to every provider; pass the image as an image_url (URL or base64 data URL).');
  }
  const image: InputContent = { type: 'image', source: parseImageUrl(part.image_url, `${path}.image_url`) };
  const detail = optDetail(part.detail, `${path}.detail`);
  if (detail !== undefined) image.detail = detail;
  return image;
}

const FILE_KEYS = new Set(['type', 'file_data', 'file_id', 'file_url', 'filename', 'detail']);
const FILE_DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+);base64,(.*)$/is;

/**
 * `input_file`: exactly one of `file_data` (a base64 data URL), `file_url` or `file_id` (a file
 * uploaded to OpenAI, so usable with OpenAI models only).
 * https://platform.openai.com/docs/guides/pdf-files
 */
function decodeFile(part: JsonObject, path: string): FileContent {
  refuseUnknownOpenAIKeys(part, FILE_KEYS, path);
  const given = (['file_data', 'file_url', 'file_id'] as const).filter((key) => !isUnset(part[key]));
  if (given.length !== 1) {
    throw invalid(path, `\`${path}\` needs exactly one of \`file_data\` (a base64 data URL such as "data:application/pdf;base64,JVBERi0…"), \`file_url\` or \`file_id\`; got ${given.length === 0 ? 'none' : given.join(' and ')}.`);
  }
  const file: FileContent = { type: 'file', source: fileSource(part, given[0] ?? 'file_data', path) };
  const filename = optString(part.filename, `${path}.filename`);
  if (filename !== undefined) file.filename = filename;
  const detail = optDetail(part.detail, `${path}.detail`);
  if (detail !== undefined) file.detail = detail;
  return file;
}

function fileSource(part: JsonObject, key: 'file_data' | 'file_url' | 'file_id', path: string): FileSource {
  const value = expectString(part[key], `${path}.${key}`);
  switch (key) {
    case 'file_id':
      return { type: 'file_id', provider: 'openai', id: value };
    case 'file_url':
      if (!/^https?:\/\//i.test(value)) throw invalid(`${path}.file_url`, `\`${path}.file_url\` must be an http(s) URL.`);
      return { type: 'url', url: value };
    case 'file_data': {
      const data = FILE_DATA_URL.exec(value);
      if (!data) {
        throw invalid(`${path}.file_data`, `\`${path}.file_data\` must be a base64 data URL, e.g. "data:application/pdf;base64,JVBERi0…".`);
      }
      return { type: 'base64', mediaType: (data[1] ?? '').toLowerCase(), data: data[2] ?? '' };
    }
  }
}

const SEARCH_CALL_KEYS = new Set(['type', 'id', 'status', 'action']);

/**
 * A replayed `web_search_call`. Only OpenAI is sent it back (its own ids); elsewhere the answer's
 * text and citations already carry what the search found.
 */
function decodeWebSearchCall(item: JsonObject, path: string): WebSearchCallItem {
  refuseUnknownOpenAIKeys(item, SEARCH_CALL_KEYS, path);
  const status = isUnset(item.status)
    ? 'completed'
    : expectOneOf(item.status, `${path}.status`, ['in_progress', 'searching', 'completed', 'failed'] as const);
  const id = expectString(item.id, `${path}.id`);
  const call: WebSearchCallItem = { type: 'web_search_call', id, status, provider: searchProvider(id), queries: [], sources: [] };
  if (isUnset(item.action)) return call;
  const action = expectObject(item.action, `${path}.action`);
  const query = optString(action.query, `${path}.action.query`);
  if (query !== undefined) call.queries.push(query);
  if (Array.isArray(action.queries)) call.queries = action.queries.filter((q): q is string => typeof q === 'string');
  if (Array.isArray(action.sources)) {
    for (const source of action.sources) {
      if (typeof source === 'object' && source !== null && typeof (source as JsonObject).url === 'string') call.sources.push({ url: (source as JsonObject).url as string });
    }
  }
  if (call.provider === 'openai') call.raw = item;
  return call;
}

/** Searches another provider ran carry its mark in the item id (`ws_srvtoolu_…`, `ws_gemini_…`). */
function searchProvider(id: string): ProviderName {
  if (id.startsWith('ws_srvtoolu_')) return 'anthropic';
  if (id.startsWith('ws_gemini_')) return 'gemini';
  return 'openai';
}

const CALL_KEYS = new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status', 'encrypted_content', 'parsed_arguments']);

function decodeFunctionCall(item: JsonObject, path: string): FunctionCallItem {
  refuseUnknownOpenAIKeys(item, CALL_KEYS, path);
  const call: FunctionCallItem = {
    type: 'function_call',
    // Empty when the caller kept no item id (only call_id is required on input).
    id: optString(item.id, `${path}.id`) ?? '',
    callId: expectString(item.call_id, `${path}.call_id`),
    name: expectString(item.name, `${path}.name`),
    arguments: expectString(item.arguments, `${path}.arguments`),
  };
  const status = optStatus(item.status, `${path}.status`);
  if (status !== undefined) call.status = status;
  // Gemini thought signatures on function calls ride here (see opaque-reasoning.ts).
  const opaque = optString(item.encrypted_content, `${path}.encrypted_content`);
  if (opaque !== undefined) call.opaque = decodeOpaque(opaque, `${path}.encrypted_content`);
  return call;
}

const OUTPUT_KEYS = new Set(['type', 'id', 'call_id', 'output', 'status']);

function decodeFunctionCallOutput(item: JsonObject, path: string): FunctionCallOutputItem {
  refuseUnknownOpenAIKeys(item, OUTPUT_KEYS, path);
  optString(item.id, `${path}.id`);
  optStatus(item.status, `${path}.status`);
  const callId = expectString(item.call_id, `${path}.call_id`);
  const output =
    typeof item.output === 'string'
      ? item.output
      : expectArray(item.output, `${path}.output`).map((p, j) => decodePart(p, `${path}.output[${j}]`));
  return { type: 'function_call_output', callId, output };
}

const REASONING_KEYS = new Set(['type', 'id', 'summary', 'content', 'encrypted_content', 'status']);

function decodeReasoning(item: JsonObject, path: string): ReasoningItem {
  refuseUnknownOpenAIKeys(item, REASONING_KEYS, path);
  const reasoning: ReasoningItem = {
    type: 'reasoning',
    id: optString(item.id, `${path}.id`) ?? '',
    summary: expectArray(item.summary ?? [], `${path}.summary`).map((s, j) => summaryText(s, `${path}.summary[${j}]`)),
  };
  const text = reasoningText(item.content, `${path}.content`);
  if (text !== undefined) reasoning.text = text;
  const opaque = optString(item.encrypted_content, `${path}.encrypted_content`);
  if (opaque !== undefined) reasoning.opaque = decodeOpaque(opaque, `${path}.encrypted_content`);
  const status = optStatus(item.status, `${path}.status`);
  if (status !== undefined) reasoning.status = status;
  return reasoning;
}

function summaryText(value: unknown, path: string): string {
  const part = expectObject(value, path);
  if (part.type !== 'summary_text') throw invalid(`${path}.type`, `\`${path}.type\` must be "summary_text".`);
  return expectString(part.text, `${path}.text`);
}

/** Reasoning `content` parts (`reasoning_text`) joined into the canonical full reasoning text. */
function reasoningText(value: unknown, path: string): string | undefined {
  if (isUnset(value)) return undefined;
  const parts = expectArray(value, path).map((p, j) => {
    const part = expectObject(p, `${path}[${j}]`);
    if (part.type !== 'reasoning_text') throw invalid(`${path}[${j}].type`, `\`${path}[${j}].type\` must be "reasoning_text".`);
    return expectString(part.text, `${path}[${j}].text`);
  });
  return parts.length === 0 ? undefined : parts.join('');
}

function optStatus(value: unknown, path: string): ItemStatus | undefined {
  return isUnset(value) ? undefined : expectOneOf(value, path, ['in_progress', 'completed', 'incomplete'] as const);
}

// Responses `input` → canonical input items.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContent,
  InputItem,
  InputMessage,
  ItemStatus,
  ReasoningItem,
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
import { optDetail, parseImageUrl, rejectUnknownKeys } from '../openai-dialect.js';
import { decodeOpaque } from './opaque-reasoning.js';

export function decodeInput(value: unknown): InputItem[] {
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
      throw unsupported(`${path}.type`, 'FlexInference is stateless: item references cannot be resolved. Send the full item instead.');
    default:
      throw unsupported(
        `${path}.type`,
        `Input items of type ${JSON.stringify(type)} are not supported; FlexInference carries message, function_call, function_call_output and reasoning items.`,
      );
  }
}

const MESSAGE_KEYS = new Set(['type', 'role', 'content', 'id', 'status', 'phase']);
const ROLES = ['user', 'assistant', 'system', 'developer'] as const;

function decodeMessage(item: JsonObject, path: string): InputMessage {
  rejectUnknownKeys(item, MESSAGE_KEYS, path);
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
      rejectUnknownKeys(part, TEXT_KEYS, path);
      return { type: 'text', text: expectString(part.text, `${path}.text`) };
    case 'refusal':
      rejectUnknownKeys(part, REFUSAL_KEYS, path);
      return { type: 'refusal', refusal: expectString(part.refusal, `${path}.refusal`) };
    case 'input_image':
      return decodeImage(part, path);
    default:
      throw unsupported(
        `${path}.type`,
        `Content parts of type ${JSON.stringify(part.type)} are not supported; use input_text, input_image, output_text or refusal.`,
      );
  }
}

function decodeImage(part: JsonObject, path: string): InputContent {
  rejectUnknownKeys(part, IMAGE_KEYS, path);
  if (!isUnset(part.file_id)) {
    throw unsupported(`${path}.file_id`, 'Uploaded file ids cannot be carried to every provider; pass the image as an image_url (URL or base64 data URL).');
  }
  const image: InputContent = { type: 'image', source: parseImageUrl(part.image_url, `${path}.image_url`) };
  const detail = optDetail(part.detail, `${path}.detail`);
  if (detail !== undefined) image.detail = detail;
  return image;
}

const CALL_KEYS = new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status', 'encrypted_content', 'parsed_arguments']);

function decodeFunctionCall(item: JsonObject, path: string): FunctionCallItem {
  rejectUnknownKeys(item, CALL_KEYS, path);
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
  rejectUnknownKeys(item, OUTPUT_KEYS, path);
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
  rejectUnknownKeys(item, REASONING_KEYS, path);
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

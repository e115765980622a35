// `input` → canonical input items. The Interactions API takes a string, one content block, a list
// of content blocks (one user turn), or a list of steps (a replayed conversation): `user_input`,
// `model_output`, `thought`, `function_call`, `function_result`.
// https://ai.google.dev/api/interactions-api (InteractionsInput, Step, Content)
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContent,
  InputItem,
  InputMessage,
  ReasoningItem,
  Warning,
} from '../../canonical/types.js';
import { decodeInteractionsSignature } from './opaque.js';
import {
  describe,
  expectArray,
  expectBoolean,
  expectObject,
  expectString,
  invalid,
  isObject,
  isUnset,
  optString,
  unsupported,
} from '../fields.js';
import type { JsonObject } from '../fields.js';

export interface InputContext {
  warnings: Warning[];
  /** Set when any image reached the request (usage by modality is then unknown). */
  hasImages: boolean;
  /** Counter for reasoning item ids the dialect does not carry. */
  reasoningCount: number;
}

const CONTENT_TYPES = new Set(['text', 'image', 'audio', 'document', 'video']);

/** Step types of built-in Google tools: they run inside Gemini only. */
const BUILTIN_STEP = /^(code_execution|file_search|google_maps|google_search|mcp_server_tool|url_context|retrieval|processing)_(call|result)$/;

export function decodeInteractionsInput(value: unknown, ctx: InputContext): InputItem[] {
  if (typeof value === 'string') return [userMessage([{ type: 'text', text: value }])];
  if (isObject(value)) return [userMessage([decodeContent(value, 'input', ctx)])];
  if (!Array.isArray(value)) {
    throw invalid('input', `\`input\` must be a string, a content object or an array; got ${describe(value)}.`);
  }
  if (value.length === 0) throw invalid('input', '`input` must not be empty.');
  return decodeSequence(value, ctx);
}

/** Content blocks in a row form one user turn; steps map one by one. */
function decodeSequence(elements: unknown[], ctx: InputContext): InputItem[] {
  const items: InputItem[] = [];
  let pending: InputContent[] = [];
  elements.forEach((element, i) => {
    const path = `input[${i}]`;
    const obj = expectObject(element, path);
    const type = expectString(obj.type, `${path}.type`);
    if (CONTENT_TYPES.has(type)) {
      pending.push(decodeContent(obj, path, ctx));
      return;
    }
    if (pending.length > 0) items.push(userMessage(pending));
    pending = [];
    items.push(...decodeStep(obj, type, path, ctx));
  });
  if (pending.length > 0) items.push(userMessage(pending));
  return items;
}

function decodeStep(step: JsonObject, type: string, path: string, ctx: InputContext): InputItem[] {
  switch (type) {
    case 'user_input':
      return decodeUserInput(step, path, ctx);
    case 'model_output':
      return decodeModelOutput(step, path, ctx);
    case 'thought':
      return [decodeThought(step, path, ctx)];
    case 'function_call':
      return [decodeFunctionCall(step, path)];
    case 'function_result':
      return [decodeFunctionResult(step, path, ctx)];
    default:
      if (BUILTIN_STEP.test(type)) {
        throw unsupported(`${path}.type`, `Step type "${type}" belongs to a built-in Google tool, which FlexInference does not carry.`);
      }
      throw invalid(`${path}.type`, `\`${path}.type\` "${type}" is not a known step or content type.`);
  }
}

/** A user turn; `function_result` blocks inside it (an older client form) become tool outputs. */
function decodeUserInput(step: JsonObject, path: string, ctx: InputContext): InputItem[] {
  if (isUnset(step.content)) return [];
  if (typeof step.content === 'string') return [userMessage([{ type: 'text', text: step.content }])];
  const items: InputItem[] = [];
  let pending: InputContent[] = [];
  expectArray(step.content, `${path}.content`).forEach((block, j) => {
    const blockPath = `${path}.content[${j}]`;
    const obj = expectObject(block, blockPath);
    if (obj.type === 'function_result') {
      if (pending.length > 0) items.push(userMessage(pending));
      pending = [];
      items.push(decodeFunctionResult(obj, blockPath, ctx));
      return;
    }
    pending.push(decodeContent(obj, blockPath, ctx));
  });
  if (pending.length > 0) items.push(userMessage(pending));
  return items;
}

function decodeModelOutput(step: JsonObject, path: string, ctx: InputContext): InputItem[] {
  if (isUnset(step.content)) return [];
  const content = expectArray(step.content, `${path}.content`).map((block, j) =>
    decodeContent(expectObject(block, `${path}.content[${j}]`), `${path}.content[${j}]`, ctx),
  );
  if (content.length === 0) return [];
  const message: InputMessage = { type: 'message', role: 'assistant', content };
  return [message];
}

function decodeThought(step: JsonObject, path: string, ctx: InputContext): ReasoningItem {
  const summary = decodeSummary(step.summary, `${path}.summary`, ctx);
  const signature = optString(step.signature, `${path}.signature`);
  const decoded = signature === undefined ? undefined : decodeInteractionsSignature(signature, `${path}.signature`);
  const id = decoded?.itemId ?? `rs_input_${ctx.reasoningCount++}`;
  if (decoded === undefined) return { type: 'reasoning', id, summary };
  const { opaque } = decoded;
  // Anthropic thinking travels as the step's summary text; Anthropic verifies it with the signature.
  if (opaque.provider === 'anthropic' && opaque.redacted !== true) {
    return { type: 'reasoning', id, summary: [], text: summary.join(''), opaque };
  }
  if (opaque.provider === 'anthropic') return { type: 'reasoning', id, summary: [], opaque };
  return { type: 'reasoning', id, summary, opaque };
}

function decodeSummary(value: unknown, path: string, ctx: InputContext): string[] {
  if (isUnset(value)) return [];
  const texts: string[] = [];
  expectArray(value, path).forEach((item, k) => {
    const obj = expectObject(item, `${path}[${k}]`);
    if (obj.type === 'text') texts.push(expectString(obj.text, `${path}[${k}].text`));
    else ctx.warnings.push({ code: 'translated', field: `${path}[${k}]`, message: 'A non-text thought summary item was dropped.' });
  });
  return texts;
}

function decodeFunctionCall(step: JsonObject, path: string): FunctionCallItem {
  const callId = expectString(step.id, `${path}.id`);
  const name = expectString(step.name, `${path}.name`);
  const args = isUnset(step.arguments) ? {} : expectObject(step.arguments, `${path}.arguments`);
  const item: FunctionCallItem = { type: 'function_call', id: callId, callId, name, arguments: JSON.stringify(args) };
  const signature = optString(step.signature, `${path}.signature`);
  const decoded = signature === undefined ? undefined : decodeInteractionsSignature(signature, `${path}.signature`);
  if (decoded !== undefined) item.opaque = decoded.opaque;
  return item;
}

function decodeFunctionResult(step: JsonObject, path: string, ctx: InputContext): FunctionCallOutputItem {
  const item: FunctionCallOutputItem = {
    type: 'function_call_output',
    callId: expectString(step.call_id, `${path}.call_id`),
    output: decodeResult(step.result, `${path}.result`, ctx),
  };
  if (!isUnset(step.is_error)) item.isError = expectBoolean(step.is_error, `${path}.is_error`);
  return item;
}

/** A result is text, content blocks, or any JSON object (sent on as its JSON text). */
function decodeResult(value: unknown, path: string, ctx: InputContext): string | InputContent[] {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value.map((block, k) => decodeContent(expectObject(block, `${path}[${k}]`), `${path}[${k}]`, ctx));
  }
  if (isObject(value)) return JSON.stringify(value);
  throw invalid(path, `\`${path}\` must be a string, an array of content or an object; got ${describe(value)}.`);
}

function decodeContent(block: JsonObject, path: string, ctx: InputContext): InputContent {
  const type = expectString(block.type, `${path}.type`);
  switch (type) {
    case 'text':
      if (!isUnset(block.annotations)) ctx.warnings.push({ code: 'translated', field: `${path}.annotations`, message: 'Citations on replayed text were dropped.' });
      return { type: 'text', text: expectString(block.text, `${path}.text`) };
    case 'image':
      return decodeImage(block, path, ctx);
    case 'audio':
    case 'document':
    case 'video':
      throw unsupported(`${path}.type`, `${type} content is not supported: FlexInference carries text and image input only.`);
    default:
      throw invalid(`${path}.type`, `\`${path}.type\` "${type}" is not a known content type (text, image).`);
  }
}

function decodeImage(block: JsonObject, path: string, ctx: InputContext): InputContent {
  ctx.hasImages = true;
  const data = optString(block.data, `${path}.data`);
  const uri = optString(block.uri, `${path}.uri`);
  const mimeType = optString(block.mime_type, `${path}.mime_type`);
  const detail = decodeResolution(block.resolution, `${path}.resolution`, ctx);
  if (data !== undefined) {
    if (mimeType === undefined) throw invalid(`${path}.mime_type`, `\`${path}.mime_type\` is required with inline \`data\`.`);
    return { type: 'image', source: { type: 'base64', mediaType: mimeType, data }, ...detail };
  }
  if (uri !== undefined) return { type: 'image', source: { type: 'url', url: uri }, ...detail };
  throw invalid(path, `\`${path}\` needs either \`data\` (with \`mime_type\`) or \`uri\`.`);
}

function decodeResolution(value: unknown, path: string, ctx: InputContext): { detail?: 'low' | 'high' } {
  if (isUnset(value)) return {};
  const resolution = expectString(value, path);
  if (resolution === 'low' || resolution === 'high') return { detail: resolution };
  ctx.warnings.push({ code: 'translated', field: path, message: `Resolution "${resolution}" has no canonical counterpart; the provider default is used.` });
  return {};
}

function userMessage(content: InputContent[]): InputMessage {
  return { type: 'message', role: 'user', content };
}

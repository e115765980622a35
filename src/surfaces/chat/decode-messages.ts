// Chat Completions `messages` → canonical input items.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
//
// An assistant message becomes a canonical message (text and refusal) followed by one
// function_call item per tool call; a `tool` message becomes a function_call_output.
import type { FunctionCallItem, InputContent, InputItem, InputMessage } from '../../canonical/types.js';
import { expectArray, expectObject, expectString, invalid, isUnset, optString, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { optDetail, parseImageUrl, refuseUnknownOpenAIKeys } from '../openai-dialect.js';

export function decodeChatMessages(value: unknown): InputItem[] {
  const messages = expectArray(value, 'messages');
  if (messages.length === 0) throw invalid('messages', '`messages` must hold at least one message.');
  return messages.flatMap((m, i) => decodeMessage(m, `messages[${i}]`));
}

function decodeMessage(value: unknown, path: string): InputItem[] {
  const message = expectObject(value, path);
  refuseName(message, path);
  switch (message.role) {
    case 'system':
    case 'developer':
      refuseUnknownOpenAIKeys(message, new Set(['role', 'content', 'name']), path);
      return [{ type: 'message', role: message.role, content: decodeTextOnly(message.content, `${path}.content`) }];
    case 'user':
      refuseUnknownOpenAIKeys(message, new Set(['role', 'content', 'name']), path);
      return [{ type: 'message', role: 'user', content: decodeUserContent(message.content, `${path}.content`) }];
    case 'assistant':
      return decodeAssistant(message, path);
    case 'tool':
      refuseUnknownOpenAIKeys(message, new Set(['role', 'content', 'tool_call_id', 'name']), path);
      return [
        {
          type: 'function_call_output',
          callId: expectString(message.tool_call_id, `${path}.tool_call_id`),
          output: decodeToolOutput(message.content, `${path}.content`),
        },
      ];
    case 'function':
      throw unsupported(`${path}.role`, 'The deprecated "function" role is not supported; use "tool" messages with `tool_call_id`.');
    default:
      throw invalid(`${path}.role`, `\`${path}.role\` must be one of "system", "developer", "user", "assistant", "tool".`);
  }
}

/** Participant names have no canonical counterpart. */
function refuseName(message: JsonObject, path: string): void {
  if (!isUnset(message.name)) {
    throw unsupported(`${path}.name`, 'Message participant names cannot be carried to every provider; remove `name`.');
  }
}

function decodeTextOnly(value: unknown, path: string): InputContent[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return expectArray(value, path).map((p, j) => {
    const part = expectObject(p, `${path}[${j}]`);
    if (part.type !== 'text') throw invalid(`${path}[${j}].type`, `\`${path}[${j}].type\` must be "text" here.`);
    return decodeText(part, `${path}[${j}]`);
  });
}

function decodeText(part: JsonObject, path: string): InputContent {
  refuseUnknownOpenAIKeys(part, new Set(['type', 'text']), path);
  return { type: 'text', text: expectString(part.text, `${path}.text`) };
}

function decodeUserContent(value: unknown, path: string): InputContent[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return expectArray(value, path).map((p, j) => decodeUserPart(p, `${path}[${j}]`));
}

function decodeUserPart(value: unknown, path: string): InputContent {
  const part = expectObject(value, path);
  switch (part.type) {
    case 'text':
      return decodeText(part, path);
    case 'image_url': {
      refuseUnknownOpenAIKeys(part, new Set(['type', 'image_url']), path);
      const image = expectObject(part.image_url, `${path}.image_url`);
      refuseUnknownOpenAIKeys(image, new Set(['url', 'detail']), `${path}.image_url`);
      const out: InputContent = { type: 'image', source: parseImageUrl(image.url, `${path}.image_url.url`) };
      const detail = optDetail(image.detail, `${path}.image_url.detail`);
      if (detail !== undefined) out.detail = detail;
      return out;
    }
    case 'input_audio':
    case 'file':
      throw unsupported(`${path}.type`, `Content parts of type "${part.type}" are not supported; send text and images.`);
    default:
      throw invalid(`${path}.type`, `\`${path}.type\` must be "text" or "image_url".`);
  }
}

// `annotations` (URL citations) is output-only metadata the SDK echoes back when a caller replays the
// assistant message as received; the model does not read it, so it is accepted and not forwarded.
// `parsed` (message) and `parsed_arguments` (tool call function) are added by the openai SDK's
// parse/stream helpers (lib/ChatCompletionStream, lib/parser) as its own parse of `content` /
// `arguments`; they carry nothing new and are accepted the same way.
const ASSISTANT_KEYS = new Set(['role', 'content', 'refusal', 'tool_calls', 'name', 'audio', 'function_call', 'annotations', 'parsed']);

function decodeAssistant(message: JsonObject, path: string): InputItem[] {
  refuseUnknownOpenAIKeys(message, ASSISTANT_KEYS, path);
  if (!isUnset(message.audio)) throw unsupported(`${path}.audio`, 'Audio replies cannot be replayed; send the transcript as text.');
  if (!isUnset(message.function_call)) throw unsupported(`${path}.function_call`, '`function_call` is deprecated; use `tool_calls`.');

  const content = isUnset(message.content) ? [] : decodeAssistantContent(message.content, `${path}.content`);
  const refusal = optString(message.refusal, `${path}.refusal`);
  if (refusal !== undefined) content.push({ type: 'refusal', refusal });
  const calls = isUnset(message.tool_calls)
    ? []
    : expectArray(message.tool_calls, `${path}.tool_calls`).map((c, k) => decodeToolCall(c, `${path}.tool_calls[${k}]`));

  if (calls.length === 0 && isUnset(message.content) && refusal === undefined) {
    throw invalid(`${path}.content`, 'An assistant message needs `content`, `refusal` or `tool_calls`.');
  }
  const items: InputItem[] = [];
  if (content.length > 0 || calls.length === 0) {
    const assistant: InputMessage = { type: 'message', role: 'assistant', content };
    items.push(assistant);
  }
  return items.concat(calls);
}

function decodeAssistantContent(value: unknown, path: string): InputContent[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return expectArray(value, path).map((p, j) => {
    const part = expectObject(p, `${path}[${j}]`);
    switch (part.type) {
      case 'text':
        return decodeText(part, `${path}[${j}]`);
      case 'refusal':
        refuseUnknownOpenAIKeys(part, new Set(['type', 'refusal']), `${path}[${j}]`);
        return { type: 'refusal', refusal: expectString(part.refusal, `${path}[${j}].refusal`) };
      default:
        throw invalid(`${path}[${j}].type`, `\`${path}[${j}].type\` must be "text" or "refusal".`);
    }
  });
}

function decodeToolCall(value: unknown, path: string): FunctionCallItem {
  const call = expectObject(value, path);
  refuseUnknownOpenAIKeys(call, new Set(['id', 'type', 'function']), path);
  if (call.type !== 'function') {
    throw unsupported(`${path}.type`, `Tool calls of type ${JSON.stringify(call.type)} are not supported; only "function".`);
  }
  const fn = expectObject(call.function, `${path}.function`);
  refuseUnknownOpenAIKeys(fn, new Set(['name', 'arguments', 'parsed_arguments']), `${path}.function`);
  return {
    type: 'function_call',
    // Chat has only the call id; the canonical item id stays empty (no provider item id known).
    id: '',
    callId: expectString(call.id, `${path}.id`),
    name: expectString(fn.name, `${path}.function.name`),
    arguments: expectString(fn.arguments, `${path}.function.arguments`),
  };
}

function decodeToolOutput(value: unknown, path: string): string | InputContent[] {
  if (typeof value === 'string') return value;
  return decodeTextOnly(value, path);
}

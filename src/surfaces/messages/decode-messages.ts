// `system` and `messages` of /v1/messages → canonical instructions and input items.
// https://platform.claude.com/docs/en/api/messages
//
// One Anthropic turn may mix blocks that are separate items in the canonical form: consecutive
// text/image blocks form one message; tool_use, tool_result and thinking blocks each become their
// own item, in the order they appear.
import type { FunctionCallItem, InputContent, InputItem, InputMessage, WebSearchCallItem } from '../../canonical/types.js';
import {
  decodeDocumentBlock,
  decodeImageBlock,
  decodeTextBlock,
  decodeToolResultContent,
} from './decode-content.js';
import type { Warn } from './decode-content.js';
import { expectArray, expectObject, expectString, invalid, isObject, optBoolean, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { refuseCacheControl, refuseUnknownMessagesKeys, typeOf } from './fields.js';
import { decodeMessagesSignature } from './opaque-signature.js';

type Role = 'user' | 'assistant' | 'system';

interface Turn {
  role: Role;
  /** Position in `messages`, for generated ids. */
  index: number;
  items: InputItem[];
  pending: InputContent[];
}

/** `system`: a string or text blocks; blocks are joined as paragraphs. */
export function decodeSystem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  const texts = expectArray(value, 'system').map((raw, index) => {
    const param = `system.${index}`;
    const block = expectObject(raw, param);
    const type = typeOf(block, param);
    if (type !== 'text') throw invalid(`${param}.type`, `\`${param}.type\` must be "text"; got "${type}".`);
    const content = decodeTextBlock(block, param);
    return content.type === 'text' ? content.text : '';
  });
  const joined = texts.filter((text) => text !== '').join('\n\n');
  return joined === '' ? undefined : joined;
}

export function decodeMessages(value: unknown, warn: Warn): InputItem[] {
  if (value === undefined || value === null) {
    throw invalid('messages', '`messages` is required: give at least one {"role":"user","content":"…"}.');
  }
  const list = expectArray(value, 'messages');
  if (list.length === 0) throw invalid('messages', '`messages` must contain at least one message.');
  return list.flatMap((raw, index) => decodeMessage(raw, index, warn));
}

function decodeMessage(raw: unknown, index: number, warn: Warn): InputItem[] {
  const param = `messages.${index}`;
  const message = expectObject(raw, param);
  refuseUnknownMessagesKeys(message, new Set(['role', 'content']), param);
  const turn: Turn = { role: decodeRole(message.role, `${param}.role`), index, items: [], pending: [] };
  const content = message.content;
  if (typeof content === 'string') {
    turn.pending.push({ type: 'text', text: content });
  } else {
    expectArray(content, `${param}.content`).forEach((block, blockIndex) => {
      decodeBlock(turn, block, `${param}.content.${blockIndex}`, warn);
    });
  }
  flush(turn);
  return turn.items;
}

function decodeRole(value: unknown, param: string): Role {
  const role = expectString(value, param);
  if (role === 'user' || role === 'assistant' || role === 'system') return role;
  throw invalid(param, `\`${param}\` must be "user" or "assistant" (or "system"); got "${role}".`);
}

function decodeBlock(turn: Turn, raw: unknown, param: string, warn: Warn): void {
  const block = expectObject(raw, param);
  const type = typeOf(block, param);
  switch (type) {
    case 'text':
      turn.pending.push(decodeTextBlock(withoutReplayedCitations(turn, block, param, warn), param));
      return;
    case 'server_tool_use':
      requireRole(turn, 'assistant', type, param);
      addItem(turn, decodeServerToolUse(block, param));
      return;
    case 'web_search_tool_result':
      requireRole(turn, 'assistant', type, param);
      attachSearchResult(turn, block, param);
      return;
    case 'image':
      turn.pending.push(decodeImageBlock(block, param));
      return;
    case 'document':
      turn.pending.push(decodeDocumentBlock(block, param, warn));
      return;
    case 'tool_use':
      requireRole(turn, 'assistant', type, param);
      addItem(turn, decodeToolUse(block, param));
      return;
    case 'tool_result':
      requireRole(turn, 'user', type, param);
      addItem(turn, decodeToolResult(block, param, warn));
      return;
    case 'thinking':
      requireRole(turn, 'assistant', type, param);
      decodeThinking(turn, block, param);
      return;
    case 'redacted_thinking':
      requireRole(turn, 'assistant', type, param);
      refuseUnknownMessagesKeys(block, new Set(['type', 'data']), param);
      addItem(turn, {
        type: 'reasoning',
        id: reasoningId(turn, param),
        summary: [],
        opaque: { provider: 'anthropic', data: expectString(block.data, `${param}.data`), redacted: true },
      });
      return;
    default:
      throw unsupported(`${param}.type`, `Content blocks of type "${type}" are not supported on /v1/messages: only text, image, document, tool_use, tool_result, thinking, redacted_thinking and web search (server_tool_use, web_search_tool_result) blocks can be carried to every provider.`);
  }
}

/**
 * Citations on an assistant's text are what an earlier answer returned (web search sources); the
 * text is replayed without them, as a Responses caller's annotations are.
 */
function withoutReplayedCitations(turn: Turn, block: JsonObject, param: string, warn: Warn): JsonObject {
  if (turn.role !== 'assistant' || !Array.isArray(block.citations) || block.citations.length === 0) return block;
  warn({ code: 'translated', field: `${param}.citations`, message: 'Citations on replayed assistant text were dropped; the text was kept.' });
  const { citations: _dropped, ...rest } = block;
  return rest;
}

/** A replayed web search (Anthropic `server_tool_use` named web_search) is a web_search_call item. */
function decodeServerToolUse(block: JsonObject, param: string): WebSearchCallItem {
  refuseUnknownMessagesKeys(block, new Set(['type', 'id', 'name', 'input', 'caller', 'cache_control']), param);
  const name = expectString(block.name, `${param}.name`);
  if (name !== 'web_search') {
    throw unsupported(`${param}.name`, `Server tool "${name}" is not supported on /v1/messages: only web_search results can be carried to every provider.`);
  }
  const id = expectString(block.id, `${param}.id`);
  const query = isObject(block.input) && typeof block.input.query === 'string' ? block.input.query : undefined;
  return { type: 'web_search_call', id: `ws_${id}`, status: 'completed', provider: 'anthropic', queries: query === undefined ? [] : [query], sources: [] };
}

/** The results of a replayed search: their pages become the search item's sources. */
function attachSearchResult(turn: Turn, block: JsonObject, param: string): void {
  refuseUnknownMessagesKeys(block, new Set(['type', 'tool_use_id', 'content', 'caller', 'cache_control']), param);
  const useId = expectString(block.tool_use_id, `${param}.tool_use_id`);
  flush(turn);
  const search = turn.items.findLast((item): item is WebSearchCallItem => item.type === 'web_search_call' && item.id === `ws_${useId}`);
  if (!search) throw invalid(`${param}.tool_use_id`, `\`${param}\` answers no server_tool_use block before it; replay the assistant content exactly as it was returned.`);
  if (!Array.isArray(block.content)) {
    search.status = 'failed';
    return;
  }
  for (const result of block.content) {
    if (isObject(result) && typeof result.url === 'string') {
      search.sources.push({ url: result.url, ...(typeof result.title === 'string' ? { title: result.title } : {}) });
    }
  }
}

function requireRole(turn: Turn, role: Role, type: string, param: string): void {
  if (turn.role === role) return;
  throw invalid(`${param}.type`, `"${type}" blocks belong in ${role} messages; messages.${turn.index} has role "${turn.role}".`);
}

function decodeToolUse(block: JsonObject, param: string): FunctionCallItem {
  refuseUnknownMessagesKeys(block, new Set(['type', 'id', 'name', 'input', 'cache_control']), param);
  refuseCacheControl(block, param);
  const id = expectString(block.id, `${param}.id`);
  const input = block.input ?? {};
  if (!isObject(input)) throw invalid(`${param}.input`, `\`${param}.input\` must be an object.`);
  return { type: 'function_call', id, callId: id, name: expectString(block.name, `${param}.name`), arguments: JSON.stringify(input) };
}

function decodeToolResult(block: JsonObject, param: string, warn: Warn): InputItem {
  refuseUnknownMessagesKeys(block, new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control']), param);
  refuseCacheControl(block, param);
  const isError = optBoolean(block.is_error, `${param}.is_error`);
  return {
    type: 'function_call_output',
    callId: expectString(block.tool_use_id, `${param}.tool_use_id`),
    output: decodeToolResultContent(block.content, `${param}.content`, warn),
    ...(isError === undefined ? {} : { isError }),
  };
}

function decodeThinking(turn: Turn, block: JsonObject, param: string): void {
  refuseUnknownMessagesKeys(block, new Set(['type', 'thinking', 'signature']), param);
  const thinking = expectString(block.thinking, `${param}.thinking`);
  const decoded = decodeMessagesSignature(expectString(block.signature ?? '', `${param}.signature`), `${param}.signature`);
  switch (decoded.kind) {
    case 'none':
      addItem(turn, { type: 'reasoning', id: reasoningId(turn, param), summary: [], text: thinking });
      return;
    case 'call':
      attachCallOpaque(turn, decoded.opaque, param);
      return;
    case 'reasoning': {
      const id = decoded.itemId ?? reasoningId(turn, param);
      // Anthropic's thinking is the full reasoning text; other providers' text was their summary.
      const readable =
        decoded.opaque.provider === 'anthropic'
          ? { summary: [], text: thinking }
          : { summary: thinking === '' ? [] : [thinking] };
      addItem(turn, { type: 'reasoning', id, ...readable, opaque: decoded.opaque });
      return;
    }
  }
}

/** A call-state thinking block follows the tool_use it belongs to (see opaque-signature.ts). */
function attachCallOpaque(turn: Turn, opaque: FunctionCallItem['opaque'] & object, param: string): void {
  flush(turn);
  const call = turn.items.findLast((item): item is FunctionCallItem => item.type === 'function_call');
  if (!call || call.opaque) {
    throw invalid(`${param}.signature`, `\`${param}\` carries function-call state but follows no tool_use block; replay the assistant content exactly as it was returned.`);
  }
  call.opaque = opaque;
}

function reasoningId(turn: Turn, param: string): string {
  return `rs_${turn.index}_${param.slice(param.lastIndexOf('.') + 1)}`;
}

function addItem(turn: Turn, item: InputItem): void {
  flush(turn);
  turn.items.push(item);
}

function flush(turn: Turn): void {
  if (turn.pending.length === 0) return;
  const message: InputMessage = { type: 'message', role: turn.role, content: turn.pending };
  turn.items.push(message);
  turn.pending = [];
}

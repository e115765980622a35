// Canonical input items → Anthropic `system` + alternating `messages`.
// Rules (https://platform.claude.com/docs/en/api/messages,
// https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use):
// - only `user` and `assistant` turns exist; consecutive same-role turns are merged;
// - `tool_result` blocks go in the user turn right after the `tool_use`, before any text;
// - thinking blocks are replayed unchanged, and an assistant turn with thinking starts with one.
import type {
  FileContent,
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContent,
  InputItem,
  InputMessage,
  ReasoningItem,
} from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './wire.js';
import { dropUnreplayable } from '../provider-items.js';
import type { Warn } from '../warnings.js';

export interface ConvertedAnthropicInput {
  /** System and developer texts, in order. */
  system: string[];
  messages: AnthropicMessage[];
}

interface Builder {
  system: string[];
  messages: AnthropicMessage[];
  warn: Warn;
  /** The item being converted, as warnings name it (`input[2]`). */
  field: string;
}

export function convertAnthropicInput(items: readonly InputItem[], warn: Warn): ConvertedAnthropicInput {
  const b: Builder = { system: [], messages: [], warn, field: 'input' };
  items.forEach((item, index) => {
    b.field = `input[${index}]`;
    addItem(b, item);
  });
  return { system: b.system, messages: b.messages };
}

function addItem(b: Builder, item: InputItem): void {
  switch (item.type) {
    case 'message':
      return addMessage(b, item);
    case 'function_call':
      return addFunctionCall(b, item);
    case 'function_call_output':
      return addToolResult(b, item);
    case 'reasoning':
      return addReasoning(b, item);
    case 'item_reference':
    case 'web_search_call':
    case 'provider_item':
      return dropUnreplayable(b.warn, b.field, item, 'Anthropic');
    default: {
      const unknownItem: never = item;
      throw new Error(`unknown input item ${String(unknownItem)}`);
    }
  }
}

function addMessage(b: Builder, message: InputMessage): void {
  if (message.role === 'system' || message.role === 'developer') {
    const text = message.content.map((part) => contentText(b, part)).join('\n');
    if (text.trim() !== '') b.system.push(text);
    return;
  }
  const blocks = message.content.flatMap((part) => contentBlock(b, part));
  if (blocks.length === 0) return;
  append(b, message.role, blocks);
}

function addFunctionCall(b: Builder, call: FunctionCallItem): void {
  append(b, 'assistant', [{ type: 'tool_use', id: call.callId, name: call.name, input: toolInput(b, call) }]);
}

function addToolResult(b: Builder, output: FunctionCallOutputItem): void {
  const block: AnthropicToolResultBlock = {
    type: 'tool_result',
    tool_use_id: output.callId,
    content: typeof output.output === 'string' ? output.output : output.output.flatMap((part) => contentBlock(b, part)),
  };
  if (output.isError !== undefined) block.is_error = output.isError;
  const turn = turnFor(b, 'user');
  // Tool results must lead the user turn: insert after any results already there.
  const firstOther = turn.content.findIndex((existing) => existing.type !== 'tool_result');
  turn.content.splice(firstOther === -1 ? turn.content.length : firstOther, 0, block);
}

function addReasoning(b: Builder, item: ReasoningItem): void {
  const opaque = item.opaque;
  if (opaque?.provider !== 'anthropic') {
    b.warn(
      'reasoning_item_dropped',
      b.field,
      opaque
        ? `The reasoning item ${item.id} came from ${opaque.provider} and cannot be replayed to Anthropic; it was dropped.`
        : `The reasoning item ${item.id} carries no Anthropic thinking signature and was dropped.`,
    );
    return;
  }
  const block: AnthropicContentBlock = opaque.redacted
    ? { type: 'redacted_thinking', data: opaque.data }
    : { type: 'thinking', thinking: item.text ?? item.summary.join('\n\n'), signature: opaque.data };
  const turn = turnFor(b, 'assistant');
  const hasThinking = turn.content.some((existing) => existing.type === 'thinking' || existing.type === 'redacted_thinking');
  // The first thinking block opens the turn; later ones keep their interleaved position.
  if (hasThinking) turn.content.push(block);
  else turn.content.unshift(block);
}

function append(b: Builder, role: AnthropicMessage['role'], blocks: AnthropicContentBlock[]): void {
  turnFor(b, role).content.push(...blocks);
}

/** The last turn when it has this role, else a new one: this is what merges same-role turns. */
function turnFor(b: Builder, role: AnthropicMessage['role']): AnthropicMessage {
  const last = b.messages.at(-1);
  if (last?.role === role) return last;
  const turn: AnthropicMessage = { role, content: [] };
  b.messages.push(turn);
  return turn;
}

function contentBlock(b: Builder, part: InputContent): (AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock)[] {
  switch (part.type) {
    case 'text':
      return textBlock(b, part.text);
    case 'refusal':
      return textBlock(b, part.refusal);
    case 'image':
      if (part.detail !== undefined && part.detail !== 'auto') {
        b.warn('translated', b.field, `Image detail "${part.detail}" has no Anthropic equivalent and was ignored.`);
      }
      return [
        {
          type: 'image',
          source:
            part.source.type === 'url'
              ? { type: 'url', url: part.source.url }
              : { type: 'base64', media_type: part.source.mediaType, data: part.source.data },
        },
      ];
    case 'file':
      // Anthropic renders a PDF's pages at one fixed resolution.
      if (part.detail !== undefined && part.detail !== 'auto') {
        b.warn('translated', b.field, `File detail "${part.detail}" has no Anthropic equivalent and was ignored.`);
      }
      return [documentBlock(b, part)];
  }
}

/**
 * A file as a document block: PDFs inline or by URL, plain text as a text source, files uploaded to
 * Anthropic by id. https://platform.claude.com/docs/en/build-with-claude/pdf-support
 */
function documentBlock(b: Builder, file: FileContent): AnthropicDocumentBlock {
  const title = file.filename !== undefined ? { title: file.filename } : {};
  const { source } = file;
  switch (source.type) {
    case 'base64':
      if (source.mediaType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: source.data }, ...title };
      if (source.mediaType === 'text/plain') {
        return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(source.data, 'base64').toString('utf8') }, ...title };
      }
      throw new FlexError('unsupported_parameter', {
        param: b.field,
        detail: `Anthropic reads documents of type application/pdf or text/plain only; this file is ${source.mediaType}. Convert it to PDF or send its text.`,
      });
    case 'url':
      return { type: 'document', source: { type: 'url', url: source.url }, ...title };
    case 'file_id':
      if (source.provider === 'anthropic') return { type: 'document', source: { type: 'file', file_id: source.id }, ...title };
      throw new FlexError('unsupported_parameter', {
        param: b.field,
        detail: `A file uploaded to ${source.provider} (${source.id}) cannot be read by Anthropic. Send the file's content as base64 data (a data URL in \`file_data\`) or by URL instead.`,
      });
  }
}

/** Anthropic refuses text blocks without non-whitespace text: empty ones are skipped, blank ones noted. */
function textBlock(b: Builder, text: string): AnthropicTextBlock[] {
  if (text.trim() !== '') return [{ type: 'text', text }];
  if (text !== '') b.warn('translated', b.field, 'Whitespace-only text was dropped because Anthropic refuses text blocks without non-whitespace text.');
  return [];
}

function contentText(b: Builder, part: InputContent): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'refusal':
      return part.refusal;
    case 'image':
      b.warn('translated', b.field, 'An image in a system/developer message cannot be sent to Anthropic and was dropped.');
      return '';
    case 'file':
      b.warn('translated', b.field, 'A file in a system/developer message cannot be sent to Anthropic and was dropped.');
      return '';
  }
}

/** Anthropic wants the tool input as an object; canonical keeps the JSON text. */
function toolInput(b: Builder, call: FunctionCallItem): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // fall through to the warning
  }
  b.warn('translated', `${b.field}.arguments`, `The arguments of function call ${call.callId} are not a JSON object; sent as {}.`);
  return {};
}

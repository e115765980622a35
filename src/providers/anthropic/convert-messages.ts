// Canonical input items → Anthropic `system` + alternating `messages`.
// Rules (https://platform.claude.com/docs/en/api/messages,
// https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use):
// - only `user` and `assistant` turns exist; consecutive same-role turns are merged;
// - `tool_result` blocks go in the user turn right after the `tool_use`, before any text;
// - thinking blocks are replayed unchanged, and an assistant turn with thinking starts with one.
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContent,
  InputItem,
  InputMessage,
  ReasoningItem,
} from '../../canonical/types.js';
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './wire-types.js';

export interface ConvertedMessages {
  /** System and developer texts, in order. */
  system: string[];
  messages: AnthropicMessage[];
  warnings: string[];
}

interface Builder {
  system: string[];
  messages: AnthropicMessage[];
  warnings: string[];
}

export function convertInput(items: readonly InputItem[]): ConvertedMessages {
  const b: Builder = { system: [], messages: [], warnings: [] };
  for (const item of items) {
    switch (item.type) {
      case 'message':
        addMessage(b, item);
        break;
      case 'function_call':
        addFunctionCall(b, item);
        break;
      case 'function_call_output':
        addToolResult(b, item);
        break;
      case 'reasoning':
        addReasoning(b, item);
        break;
      case 'item_reference':
        // The server resolves references before a provider is chosen; one left over has no content.
        b.warnings.push(`input: the item reference ${item.id} could not be resolved and was dropped`);
        break;
      default: {
        const unknownItem: never = item;
        throw new Error(`unknown input item ${String(unknownItem)}`);
      }
    }
  }
  return b;
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
    b.warnings.push(
      opaque
        ? `input: reasoning item ${item.id} came from ${opaque.provider} and cannot be replayed to Anthropic; it was dropped`
        : `input: reasoning item ${item.id} carries no Anthropic thinking signature and was dropped`,
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

function contentBlock(b: Builder, part: InputContent): (AnthropicTextBlock | AnthropicImageBlock)[] {
  switch (part.type) {
    case 'text':
      return textBlock(b, part.text);
    case 'refusal':
      return textBlock(b, part.refusal);
    case 'image':
      if (part.detail !== undefined && part.detail !== 'auto') {
        b.warnings.push(`input: image detail "${part.detail}" has no Anthropic equivalent and was ignored`);
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
  }
}

/** Anthropic refuses text blocks without non-whitespace text: empty ones are skipped, blank ones noted. */
function textBlock(b: Builder, text: string): AnthropicTextBlock[] {
  if (text.trim() !== '') return [{ type: 'text', text }];
  const warning = 'input: whitespace-only text was dropped because Anthropic refuses text blocks without non-whitespace text';
  if (text !== '' && !b.warnings.includes(warning)) b.warnings.push(warning);
  return [];
}

function contentText(b: Builder, part: InputContent): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'refusal':
      return part.refusal;
    case 'image':
      b.warnings.push('input: an image in a system/developer message cannot be sent to Anthropic and was dropped');
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
  b.warnings.push(`input: arguments of function call ${call.callId} are not a JSON object; sent as {}`);
  return {};
}

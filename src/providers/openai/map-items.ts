// OpenAI output items and content parts → canonical ones. Item kinds FlexInference does not carry
// (hosted tool calls such as web_search_call) map to undefined and are skipped by the caller.
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
import type {
  FunctionCallItem,
  ItemStatus,
  OutputContent,
  OutputItem,
  OutputMessage,
  ReasoningItem,
} from '../../canonical/types.js';
import { arr, isObject, str, type JsonObject } from './wire.js';

export function mapOutputItem(raw: unknown, fallbackStatus: ItemStatus): OutputItem | undefined {
  if (!isObject(raw)) return undefined;
  switch (str(raw, 'type') ?? '') {
    case 'message':
      return mapMessage(raw, fallbackStatus);
    case 'reasoning':
      return mapReasoning(raw);
    case 'function_call':
      return mapFunctionCall(raw);
    default:
      return undefined;
  }
}

export function mapOutputContent(raw: unknown): OutputContent | undefined {
  if (!isObject(raw)) return undefined;
  switch (str(raw, 'type') ?? '') {
    case 'output_text': {
      const annotations = arr(raw, 'annotations');
      return {
        type: 'output_text',
        text: str(raw, 'text') ?? '',
        ...(annotations.length > 0 ? { annotations } : {}),
      };
    }
    case 'refusal':
      return { type: 'refusal', refusal: str(raw, 'refusal') ?? '' };
    default:
      return undefined;
  }
}

function mapStatus(raw: JsonObject): ItemStatus | undefined {
  const status = str(raw, 'status');
  return status === 'in_progress' || status === 'completed' || status === 'incomplete' ? status : undefined;
}

function mapMessage(raw: JsonObject, fallbackStatus: ItemStatus): OutputMessage {
  const content: OutputContent[] = [];
  for (const part of arr(raw, 'content')) {
    const mapped = mapOutputContent(part);
    if (mapped !== undefined) content.push(mapped);
  }
  const phase = str(raw, 'phase');
  return {
    type: 'message',
    id: str(raw, 'id') ?? '',
    role: 'assistant',
    status: mapStatus(raw) ?? fallbackStatus,
    content,
    ...(phase !== undefined ? { phase } : {}),
  };
}

function mapReasoning(raw: JsonObject): ReasoningItem {
  const summary: string[] = [];
  for (const part of arr(raw, 'summary')) {
    if (isObject(part)) summary.push(str(part, 'text') ?? '');
  }
  // Open-weight reasoning models return their reasoning text as `content` parts.
  const text = arr(raw, 'content')
    .map((part) => (isObject(part) ? (str(part, 'text') ?? '') : ''))
    .join('');
  const encrypted = str(raw, 'encrypted_content');
  const status = mapStatus(raw);
  return {
    type: 'reasoning',
    id: str(raw, 'id') ?? '',
    summary,
    ...(text.length > 0 ? { text } : {}),
    ...(encrypted !== undefined ? { opaque: { provider: 'openai' as const, data: encrypted } } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

function mapFunctionCall(raw: JsonObject): FunctionCallItem {
  const callId = str(raw, 'call_id') ?? '';
  const status = mapStatus(raw);
  return {
    type: 'function_call',
    id: str(raw, 'id') ?? callId,
    callId,
    name: str(raw, 'name') ?? '',
    arguments: str(raw, 'arguments') ?? '',
    ...(status !== undefined ? { status } : {}),
  };
}

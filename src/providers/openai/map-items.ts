// OpenAI output items and content parts → canonical ones. Item kinds FlexInference does not model
// (hosted tool calls other than web_search_call, MCP items, …) become provider items, kept verbatim.
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
import type {
  Annotation,
  FunctionCallItem,
  ItemStatus,
  OutputContent,
  OutputItem,
  OutputMessage,
  ProviderItem,
  ReasoningItem,
  WebSearchCallItem,
} from '../../canonical/types.js';
import { arr, isObject, num, obj, str, type JsonObject } from '../json.js';

export function mapOutputItem(raw: unknown, fallbackStatus: ItemStatus): OutputItem | undefined {
  if (!isObject(raw)) return undefined;
  switch (str(raw, 'type') ?? '') {
    case 'message':
      return mapMessage(raw, fallbackStatus);
    case 'reasoning':
      return mapReasoning(raw);
    case 'function_call':
      return mapFunctionCall(raw);
    case 'web_search_call':
      return mapWebSearchCall(raw);
    case '':
      return undefined;
    default:
      return mapProviderItem(raw);
  }
}

/**
 * Any other item (`code_interpreter_call`, `file_search_call`, `mcp_call`, `image_generation_call`,
 * `computer_call`, …, and kinds added after this was written) as OpenAI sent it, so a Responses
 * caller sees it unchanged and can send it back.
 */
function mapProviderItem(raw: JsonObject): ProviderItem {
  return { type: 'provider_item', id: str(raw, 'id') ?? '', provider: 'openai', itemType: str(raw, 'type') ?? '', raw };
}

/** https://platform.openai.com/docs/api-reference/responses/object (ResponseFunctionWebSearch) */
function mapWebSearchCall(raw: JsonObject): WebSearchCallItem {
  const status = str(raw, 'status');
  const action = obj(raw, 'action') ?? {};
  const query = str(action, 'query');
  const queries = arr(action, 'queries').filter((q): q is string => typeof q === 'string');
  const sources = arr(action, 'sources').flatMap((s) => (isObject(s) && typeof s.url === 'string' ? [{ url: s.url }] : []));
  return {
    type: 'web_search_call',
    id: str(raw, 'id') ?? '',
    status: status === 'in_progress' || status === 'searching' || status === 'failed' ? status : 'completed',
    provider: 'openai',
    queries: queries.length > 0 ? queries : query !== undefined ? [query] : [],
    sources,
    raw,
  };
}

/** `url_citation` is canonical; other kinds (file citations, …) stay as OpenAI sent them. */
export function mapAnnotation(raw: unknown): Annotation | undefined {
  if (!isObject(raw)) return undefined;
  if (str(raw, 'type') === 'url_citation') {
    return {
      type: 'url_citation',
      url: str(raw, 'url') ?? '',
      title: str(raw, 'title') ?? '',
      startIndex: num(raw, 'start_index') ?? 0,
      endIndex: num(raw, 'end_index') ?? 0,
    };
  }
  return { type: 'other', provider: 'openai', raw };
}

export function mapOutputContent(raw: unknown): OutputContent | undefined {
  if (!isObject(raw)) return undefined;
  switch (str(raw, 'type') ?? '') {
    case 'output_text': {
      const annotations = arr(raw, 'annotations').flatMap((a) => mapAnnotation(a) ?? []);
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

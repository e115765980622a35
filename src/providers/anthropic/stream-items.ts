// Per-content-block handlers of the Anthropic stream parser (see parse-stream.ts), and the
// typed state they share with it. Anthropic streams one block at a time, so at most one block is
// open; consecutive text blocks share one message item, which closes when anything else starts.
import type { CanonicalStreamEvent, OutputContent, OutputItem, OutputMessage, UrlCitation } from '../../canonical/types.js';
import { statusForStop } from './map-finish-reason.js';
import type { AnthropicUsage, ContentBlockDeltaEvent, ContentBlockStartEvent, StartedBlock } from './wire.js';

export type BlockState =
  | { kind: 'text'; outputIndex: number; contentIndex: number; text: string; citations: Omit<UrlCitation, 'startIndex' | 'endIndex'>[] }
  | { kind: 'thinking'; outputIndex: number; id: string; text: string; signature: string }
  | { kind: 'redacted'; outputIndex: number; id: string; data: string }
  | { kind: 'tool'; outputIndex: number; id: string; callId: string; name: string; args: string; input: Record<string, unknown> }
  | { kind: 'search'; search: PendingSearch; args: string }
  | { kind: 'skipped' };

/** A web search (server_tool_use) waiting for its web_search_tool_result. */
export interface PendingSearch {
  outputIndex: number;
  id: string;
  callId: string;
  input: Record<string, unknown>;
}

export interface OpenMessage {
  outputIndex: number;
  id: string;
  parts: OutputContent[];
}

export interface Meta {
  id: string;
  model: string;
  createdAt: number;
}

export interface State {
  meta: Meta | null;
  usage: AnthropicUsage;
  stopReason: string | null;
  blocks: Map<number, BlockState>;
  message: OpenMessage | null;
  /** Web searches by server tool use id, until their result arrives. */
  searches: Map<string, PendingSearch>;
  /** Completed items by output index. */
  output: OutputItem[];
  nextOutputIndex: number;
  done: boolean;
}

export function onBlockStart(state: State, meta: Meta, event: ContentBlockStartEvent): CanonicalStreamEvent[] {
  const block = event.content_block as StartedBlock;
  const out: CanonicalStreamEvent[] = block.type === 'text' ? [] : closeMessage(state);
  switch (block.type) {
    case 'text': {
      const message = state.message ?? openMessage(state, meta, out);
      const contentIndex = message.parts.length;
      const part: OutputContent = { type: 'output_text', text: '' };
      message.parts.push(part);
      state.blocks.set(event.index, { kind: 'text', outputIndex: message.outputIndex, contentIndex, text: block.text ?? '', citations: [] });
      out.push({ type: 'content_part.added', outputIndex: message.outputIndex, contentIndex, part });
      if (block.text) out.push({ type: 'text.delta', outputIndex: message.outputIndex, contentIndex, delta: block.text });
      return out;
    }
    case 'thinking': {
      const nextIndex = state.nextOutputIndex++;
      const id = itemId('rs', meta, nextIndex);
      state.blocks.set(event.index, { kind: 'thinking', outputIndex: nextIndex, id, text: '', signature: block.signature ?? '' });
      out.push({ type: 'item.added', outputIndex: nextIndex, item: { type: 'reasoning', id, summary: [], text: '', status: 'in_progress' } });
      return out.concat(thinkingDelta(state, event.index, block.thinking ?? ''));
    }
    case 'redacted_thinking': {
      const nextIndex = state.nextOutputIndex++;
      const id = itemId('rs', meta, nextIndex);
      state.blocks.set(event.index, { kind: 'redacted', outputIndex: nextIndex, id, data: block.data });
      out.push({ type: 'item.added', outputIndex: nextIndex, item: { type: 'reasoning', id, summary: [], status: 'in_progress' } });
      return out;
    }
    case 'tool_use': {
      const nextIndex = state.nextOutputIndex++;
      const id = `fc_${block.id.replace(/^toolu_/, '')}`;
      const tool = { id, callId: block.id, name: block.name };
      state.blocks.set(event.index, { kind: 'tool', outputIndex: nextIndex, ...tool, args: '', input: block.input ?? {} });
      out.push({ type: 'item.added', outputIndex: nextIndex, item: { type: 'function_call', ...tool, arguments: '', status: 'in_progress' } });
      return out;
    }
    case 'server_tool_use': {
      if (block.name !== 'web_search') break;
      const search = openSearch(state, block.id, block.input ?? {}, out);
      state.blocks.set(event.index, { kind: 'search', search, args: '' });
      return out;
    }
    case 'web_search_tool_result':
      state.blocks.set(event.index, { kind: 'skipped' });
      return out.concat(finishSearch(state, block.tool_use_id, block.content));
    default:
      break;
  }
  // Other server tools are never requested by this provider; their blocks carry nothing to map.
  state.blocks.set(event.index, { kind: 'skipped' });
  return out;
}

export function onBlockDelta(state: State, event: ContentBlockDeltaEvent): CanonicalStreamEvent[] {
  const block = state.blocks.get(event.index);
  const delta = event.delta;
  if (!block) return [];
  if (block.kind === 'text' && delta.type === 'text_delta' && 'text' in delta) {
    block.text += delta.text;
    return [{ type: 'text.delta', outputIndex: block.outputIndex, contentIndex: block.contentIndex, delta: delta.text }];
  }
  if (block.kind === 'thinking' && delta.type === 'thinking_delta' && 'thinking' in delta) {
    return thinkingDelta(state, event.index, delta.thinking);
  }
  if (block.kind === 'thinking' && delta.type === 'signature_delta' && 'signature' in delta) {
    block.signature += delta.signature;
    return [];
  }
  if (block.kind === 'tool' && delta.type === 'input_json_delta' && 'partial_json' in delta && delta.partial_json !== '') {
    block.args += delta.partial_json;
    return [{ type: 'function_call_arguments.delta', outputIndex: block.outputIndex, delta: delta.partial_json }];
  }
  if (block.kind === 'search' && delta.type === 'input_json_delta' && 'partial_json' in delta) {
    block.args += delta.partial_json;
    return [];
  }
  if (block.kind === 'text' && delta.type === 'citations_delta' && 'citation' in delta) {
    // A citation covers its whole text block; its offsets are known when the block ends.
    const { citation } = delta;
    if (citation.type === 'web_search_result_location' && typeof citation.url === 'string') {
      block.citations.push({ type: 'url_citation', url: citation.url, title: citation.title ?? '' });
    }
  }
  // Other deltas, for features this provider never requests, are ignored.
  return [];
}

function thinkingDelta(state: State, index: number, text: string): CanonicalStreamEvent[] {
  const block = state.blocks.get(index);
  if (block?.kind !== 'thinking' || text === '') return [];
  block.text += text;
  return [{ type: 'reasoning_text.delta', outputIndex: block.outputIndex, delta: text }];
}

export function onBlockStop(state: State, index: number): CanonicalStreamEvent[] {
  const block = state.blocks.get(index);
  state.blocks.delete(index);
  if (!block) return [];
  switch (block.kind) {
    case 'text':
      return finishText(state, block);
    case 'search':
      if (block.args.trim() !== '') block.search.input = parseInput(block.args) ?? block.search.input;
      return [];
    case 'thinking': {
      const opaque = block.signature === '' ? {} : { opaque: { provider: 'anthropic' as const, data: block.signature } };
      return finishItem(state, block.outputIndex, {
        type: 'reasoning', id: block.id, summary: [], text: block.text, ...opaque, status: 'completed',
      });
    }
    case 'redacted':
      return finishItem(state, block.outputIndex, {
        type: 'reasoning', id: block.id, summary: [], opaque: { provider: 'anthropic', data: block.data, redacted: true }, status: 'completed',
      });
    case 'tool':
      return finishTool(state, block);
    case 'skipped':
      return [];
  }
}

/** Each web citation of a text block spans the whole block (Anthropic cites block by block). */
function finishText(state: State, block: Extract<BlockState, { kind: 'text' }>): CanonicalStreamEvent[] {
  const { outputIndex, contentIndex } = block;
  const annotations = block.citations.map((c): UrlCitation => ({ ...c, startIndex: 0, endIndex: block.text.length }));
  const part: OutputContent = { type: 'output_text', text: block.text, ...(annotations.length > 0 ? { annotations } : {}) };
  if (state.message) state.message.parts[contentIndex] = part;
  const out: CanonicalStreamEvent[] = annotations.map((annotation, annotationIndex) => ({
    type: 'annotation.added', outputIndex, contentIndex, annotationIndex, annotation,
  }));
  out.push({ type: 'content_part.done', outputIndex, contentIndex, part });
  return out;
}

function openSearch(state: State, callId: string, input: Record<string, unknown>, out: CanonicalStreamEvent[]): PendingSearch {
  const search: PendingSearch = { outputIndex: state.nextOutputIndex++, id: `ws_${callId}`, callId, input };
  state.searches.set(callId, search);
  out.push({ type: 'item.added', outputIndex: search.outputIndex, item: searchItem(search, 'in_progress', []) });
  return search;
}

/**
 * A web_search_tool_result arrives whole: a list of results, or an error object.
 * https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool#response
 */
function finishSearch(state: State, callId: string, content: unknown): CanonicalStreamEvent[] {
  const search = state.searches.get(callId);
  if (search === undefined) return [];
  state.searches.delete(callId);
  if (!Array.isArray(content)) return finishItem(state, search.outputIndex, searchItem(search, 'failed', []));
  const sources = content.flatMap((r: unknown) => {
    const result = r as { type?: unknown; url?: unknown; title?: unknown } | null;
    if (result?.type !== 'web_search_result' || typeof result.url !== 'string') return [];
    return [{ url: result.url, ...(typeof result.title === 'string' ? { title: result.title } : {}) }];
  });
  return finishItem(state, search.outputIndex, searchItem(search, 'completed', sources));
}

/** Searches whose result never came are closed at the end of the message. */
export function closeSearches(state: State): CanonicalStreamEvent[] {
  const out: CanonicalStreamEvent[] = [];
  for (const search of state.searches.values()) out.push(...finishItem(state, search.outputIndex, searchItem(search, 'completed', [])));
  state.searches.clear();
  return out;
}

function searchItem(search: PendingSearch, status: 'in_progress' | 'completed' | 'failed', sources: { url: string; title?: string }[]): OutputItem {
  const query = search.input.query;
  return {
    type: 'web_search_call',
    id: search.id,
    status,
    provider: 'anthropic',
    queries: typeof query === 'string' && query !== '' ? [query] : [],
    sources,
  };
}

function parseInput(json: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function finishTool(state: State, block: Extract<BlockState, { kind: 'tool' }>): CanonicalStreamEvent[] {
  const out: CanonicalStreamEvent[] = [];
  let args = block.args;
  if (args === '') {
    // No input_json_delta content: the input is whatever content_block_start carried, `{}` at least.
    args = JSON.stringify(block.input);
    out.push({ type: 'function_call_arguments.delta', outputIndex: block.outputIndex, delta: args });
  }
  return out.concat(finishItem(state, block.outputIndex, {
    type: 'function_call', id: block.id, callId: block.callId, name: block.name, arguments: args, status: 'completed',
  }));
}

export function finishItem(state: State, outputIndex: number, item: OutputItem): CanonicalStreamEvent[] {
  state.output[outputIndex] = item;
  return [{ type: 'item.done', outputIndex, item }];
}

function openMessage(state: State, meta: Meta, out: CanonicalStreamEvent[]): OpenMessage {
  const outputIndex = state.nextOutputIndex++;
  const message: OpenMessage = { outputIndex, id: itemId('msg', meta, outputIndex), parts: [] };
  state.message = message;
  out.push({
    type: 'item.added',
    outputIndex,
    item: { type: 'message', id: message.id, role: 'assistant', status: 'in_progress', content: [] },
  });
  return message;
}

export function closeMessage(state: State): CanonicalStreamEvent[] {
  const message = state.message;
  if (!message) return [];
  state.message = null;
  const item: OutputMessage = {
    type: 'message',
    id: message.id,
    role: 'assistant',
    // message_delta arrives before the close when the text was cut by max_tokens.
    status: statusForStop(state.stopReason) === 'incomplete' ? 'incomplete' : 'completed',
    content: message.parts,
  };
  return finishItem(state, message.outputIndex, item);
}

/** Anthropic blocks have no ids; derive stable ones from the message id and the output index. */
function itemId(prefix: 'msg' | 'rs', meta: Meta, outputIndex: number): string {
  return `${prefix}_${meta.id.replace(/^msg_/, '')}_${outputIndex}`;
}

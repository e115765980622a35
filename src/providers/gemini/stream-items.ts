// One Interactions step → one canonical output item, with its stream events.
// A step is framed as `step.start` (type, sometimes initial content) → `step.delta`* → `step.stop`,
// all sharing the step's `index`. Deltas: `text` (model_output), `thought_summary` and
// `thought_signature` (thought), `arguments_delta` (function_call: partial JSON text),
// `text_annotation_delta` (model_output citations), `google_search_call` (the queries).
import type { CanonicalStreamEvent, ItemStatus, OpaqueReasoning, OutputItem, UrlCitation } from '../../canonical/types.js';
import { isObject } from '../json.js';
import { urlCitations } from './map-annotations.js';
import type { WireStreamDelta, WireStreamStep } from './wire.js';

export type OpenStep =
  | { kind: 'reasoning'; outputIndex: number; id: string; summary: string; partOpen: boolean; signature: string }
  | { kind: 'message'; outputIndex: number; id: string; text: string; partOpen: boolean; annotations: unknown[] }
  /**
   * Grounding with Google Search: the call step carries the queries. Its result step lists no pages
   * (only Google's search suggestions widget), so the sources are the pages the answer cites,
   * known once the answer is (citedSources).
   */
  | { kind: 'search'; outputIndex: number; id: string; queries: string[]; sources: { url: string; title?: string }[] }
  | {
      kind: 'function_call';
      outputIndex: number;
      id: string;
      callId: string;
      name: string;
      args: string;
      signature: string;
    }
  /** Server-side tool steps and future step types: not part of the canonical output. */
  | { kind: 'ignored' };

export interface StepIds {
  itemId(prefix: 'rs' | 'msg' | 'fc' | 'ws_gemini'): string;
}

/** Opens a step; returns its state and the events announcing it. */
export function startStep(
  step: WireStreamStep | undefined,
  outputIndex: number,
  ids: StepIds,
  emit: (e: CanonicalStreamEvent) => void,
): OpenStep {
  switch (step?.type) {
    case 'thought': {
      const open: OpenStep = { kind: 'reasoning', outputIndex, id: ids.itemId('rs'), summary: '', partOpen: false, signature: nonEmpty(step.signature) };
      emit({ type: 'item.added', outputIndex, item: { type: 'reasoning', id: open.id, summary: [], status: 'in_progress' } });
      for (const text of textsOf(step.summary)) appendSummary(open, text, emit);
      return open;
    }
    case 'model_output': {
      const open: OpenStep = { kind: 'message', outputIndex, id: ids.itemId('msg'), text: '', partOpen: false, annotations: [] };
      emit({ type: 'item.added', outputIndex, item: { type: 'message', id: open.id, role: 'assistant', status: 'in_progress', content: [] } });
      for (const text of textsOf(step.content)) appendText(open, text, emit);
      open.annotations.push(...annotationsOf(step.content));
      return open;
    }
    case 'google_search_call': {
      // Marked as Gemini's so a caller replaying it is never sent to another provider as its own.
      const id = nonEmpty(step.id) ? `ws_gemini_${nonEmpty(step.id)}` : ids.itemId('ws_gemini');
      const open: OpenStep = { kind: 'search', outputIndex, id, queries: queriesOf(step.arguments), sources: [] };
      emit({ type: 'item.added', outputIndex, item: searchItem(open, 'in_progress') });
      return open;
    }
    case 'function_call': {
      const open: OpenStep = {
        kind: 'function_call',
        outputIndex,
        id: ids.itemId('fc'),
        callId: nonEmpty(step.id) || ids.itemId('fc'),
        name: step.name ?? '',
        args: '',
        signature: nonEmpty(step.signature),
      };
      emit({ type: 'item.added', outputIndex, item: { type: 'function_call', id: open.id, callId: open.callId, name: open.name, arguments: '', status: 'in_progress' } });
      // Arguments may arrive whole on step.start (an object) instead of as deltas.
      if (isObject(step.arguments) && Object.keys(step.arguments).length > 0) {
        appendArgs(open, JSON.stringify(step.arguments), emit);
      }
      return open;
    }
    case undefined:
    default:
      return { kind: 'ignored' };
  }
}

export function applyDelta(open: OpenStep, delta: WireStreamDelta | undefined, emit: (e: CanonicalStreamEvent) => void): void {
  if (!delta) return;
  switch (open.kind) {
    case 'message':
      if (delta.type === 'text' && typeof delta.text === 'string') appendText(open, delta.text, emit);
      if (delta.type === 'text_annotation_delta' && Array.isArray(delta.annotations)) open.annotations.push(...(delta.annotations as unknown[]));
      return;
    case 'search':
      if (delta.type === 'google_search_call') open.queries.push(...queriesOf(delta.arguments).filter((q) => !open.queries.includes(q)));
      return;
    case 'reasoning':
      if (delta.type === 'thought_summary' && delta.content?.type === 'text' && typeof delta.content.text === 'string') {
        appendSummary(open, delta.content.text, emit);
      } else if (delta.type === 'thought_signature') {
        open.signature = nonEmpty(delta.signature) || open.signature;
      }
      return;
    case 'function_call':
      if (delta.type === 'arguments_delta' && typeof delta.arguments === 'string') appendArgs(open, delta.arguments, emit);
      // Some deltas complete the call's id or signature after step.start.
      if (nonEmpty(delta.id)) open.callId = nonEmpty(delta.id);
      open.signature = nonEmpty(delta.signature) || open.signature;
      return;
    case 'ignored':
      return;
    default:
      assertNever(open);
  }
}

/** Closes a step: the done events for its open part, then `item.done` with the full item. */
export function finishStep(open: OpenStep, status: ItemStatus, emit: (e: CanonicalStreamEvent) => void): OutputItem | undefined {
  switch (open.kind) {
    case 'reasoning': {
      const { outputIndex } = open;
      if (open.partOpen) emit({ type: 'reasoning_summary_part.done', outputIndex, summaryIndex: 0, text: open.summary });
      const item: OutputItem = {
        type: 'reasoning',
        id: open.id,
        summary: open.partOpen ? [open.summary] : [],
        ...opaque(open.signature),
        status,
      };
      emit({ type: 'item.done', outputIndex, item });
      return item;
    }
    case 'message': {
      const { outputIndex } = open;
      const annotations: UrlCitation[] = urlCitations(open.annotations, open.text);
      const part = { type: 'output_text' as const, text: open.text, ...(annotations.length > 0 ? { annotations } : {}) };
      if (open.partOpen) {
        annotations.forEach((annotation, annotationIndex) => emit({ type: 'annotation.added', outputIndex, contentIndex: 0, annotationIndex, annotation }));
        emit({ type: 'content_part.done', outputIndex, contentIndex: 0, part });
      }
      const item: OutputItem = { type: 'message', id: open.id, role: 'assistant', status, content: open.partOpen ? [part] : [] };
      emit({ type: 'item.done', outputIndex, item });
      return item;
    }
    case 'search': {
      const item = searchItem(open, status === 'completed' ? 'completed' : 'failed');
      emit({ type: 'item.done', outputIndex: open.outputIndex, item });
      return item;
    }
    case 'function_call': {
      // A call with no arguments at all still needs a JSON object; the delta keeps deltas == final.
      if (open.args === '') appendArgs(open, '{}', emit);
      const item: OutputItem = {
        type: 'function_call',
        id: open.id,
        callId: open.callId,
        name: open.name,
        arguments: open.args,
        status,
        ...opaque(open.signature),
      };
      emit({ type: 'item.done', outputIndex: open.outputIndex, item });
      return item;
    }
    case 'ignored':
      return undefined;
    default:
      return assertNever(open);
  }
}

function appendText(open: Extract<OpenStep, { kind: 'message' }>, delta: string, emit: (e: CanonicalStreamEvent) => void): void {
  if (delta === '') return;
  const { outputIndex } = open;
  if (!open.partOpen) {
    open.partOpen = true;
    emit({ type: 'content_part.added', outputIndex, contentIndex: 0, part: { type: 'output_text', text: '' } });
  }
  open.text += delta;
  emit({ type: 'text.delta', outputIndex, contentIndex: 0, delta });
}

/** All summary text of one thought step forms one summary part. */
function appendSummary(open: Extract<OpenStep, { kind: 'reasoning' }>, delta: string, emit: (e: CanonicalStreamEvent) => void): void {
  if (delta === '') return;
  const { outputIndex } = open;
  if (!open.partOpen) {
    open.partOpen = true;
    emit({ type: 'reasoning_summary_part.added', outputIndex, summaryIndex: 0 });
  }
  open.summary += delta;
  emit({ type: 'reasoning_summary.delta', outputIndex, summaryIndex: 0, delta });
}

function appendArgs(open: Extract<OpenStep, { kind: 'function_call' }>, delta: string, emit: (e: CanonicalStreamEvent) => void): void {
  if (delta === '') return;
  open.args += delta;
  emit({ type: 'function_call_arguments.delta', outputIndex: open.outputIndex, delta });
}

function searchItem(open: Extract<OpenStep, { kind: 'search' }>, status: 'in_progress' | 'completed' | 'failed'): OutputItem {
  return { type: 'web_search_call', id: open.id, status, provider: 'gemini', queries: [...open.queries], sources: [...open.sources] };
}

/**
 * The pages the answer cites, once each, in the order first cited: what Gemini grounded the answer
 * on (its grounding chunks, shown as url_citation annotations), and so the search's sources.
 */
export function citedSources(items: Iterable<OutputItem>): { url: string; title?: string }[] {
  const sources = new Map<string, { url: string; title?: string }>();
  for (const item of items) {
    if (item.type !== 'message') continue;
    for (const part of item.content) {
      if (part.type !== 'output_text') continue;
      for (const a of part.annotations ?? []) {
        if (a.type !== 'url_citation' || sources.has(a.url)) continue;
        sources.set(a.url, a.title === '' ? { url: a.url } : { url: a.url, title: a.title });
      }
    }
  }
  return [...sources.values()];
}

/** `GoogleSearchCallArguments.queries`. */
function queriesOf(args: unknown): string[] {
  if (!isObject(args) || !Array.isArray(args.queries)) return [];
  return args.queries.filter((q): q is string => typeof q === 'string');
}

function annotationsOf(blocks: unknown): unknown[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b: unknown) => (isObject(b) && Array.isArray(b.annotations) ? (b.annotations as unknown[]) : []));
}

function opaque(signature: string): { opaque?: OpaqueReasoning } {
  return signature === '' ? {} : { opaque: { provider: 'gemini', data: signature } };
}

function textsOf(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b: unknown) => {
    const block = b as { type?: unknown; text?: unknown } | null;
    return block?.type === 'text' && typeof block.text === 'string' ? [block.text] : [];
  });
}

function nonEmpty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function assertNever(value: never): never {
  throw new Error(`unexpected step state: ${JSON.stringify(value)}`);
}

// OpenAI Responses stream events (parsed SSE `data` objects) → canonical stream events.
// Event reference: https://platform.openai.com/docs/api-reference/responses-streaming
//
// Tolerates what real streams do: no `sequence_number` (2025 recordings), `obfuscation` padding,
// `response.queued` (background / flex queueing), undocumented `keepalive` frames and any other
// unknown event type (ignored). Hosted-tool items FlexInference does not model become provider items,
// and the events about them (`response.code_interpreter_call_code.delta`, `response.mcp_call.*`, …)
// are carried verbatim, whatever their type, for the Responses surface to show as OpenAI sent them.
import type {
  CanonicalStreamEvent,
  ItemStatus,
  OutputItem,
  ResponseCreatedEvent,
} from '../../canonical/types.js';
import { openaiStreamError } from './map-error.js';
import { mapOpenAIFinishReason } from './map-finish-reason.js';
import { mapOpenAIServedTier } from './map-tier.js';
import { mapAnnotation, mapOutputContent, mapOutputItem } from './map-items.js';
import { mapOpenAIUsage } from './map-usage.js';
import { arr, num, obj, str, type JsonObject } from '../json.js';

export interface OpenAIStreamParser {
  /** Canonical events for one upstream event. Throws a FlexError for in-stream failures. */
  push(event: JsonObject): CanonicalStreamEvent[];
  /** True once `response.completed` / `response.incomplete` was turned into the final event. */
  readonly done: boolean;
}

interface ParserState {
  admitted: boolean;
  createdEmitted: boolean;
  done: boolean;
  /** Upstream `output_index` → canonical `outputIndex`, for the item kinds that are carried. */
  indexes: Map<number, number>;
  /** Canonical indexes of provider items, whose own events are carried verbatim. */
  providerItems: Set<number>;
  /** Completed items by canonical index (from `output_item.done`), the fallback final output. */
  items: OutputItem[];
  nextIndex: number;
  /** The tier OpenAI reported on the lifecycle events, if the final response omits it. */
  serviceTier: string | undefined;
}

type Out = CanonicalStreamEvent[];
type Handler = (state: ParserState, event: JsonObject, out: Out) => void;

export function createOpenAIStreamParser(): OpenAIStreamParser {
  const state: ParserState = {
    admitted: false,
    createdEmitted: false,
    done: false,
    indexes: new Map(),
    providerItems: new Set(),
    items: [],
    nextIndex: 0,
    serviceTier: undefined,
  };
  return {
    push(event) {
      const out: Out = [];
      if (state.done) return out;
      const handler = HANDLERS.get(str(event, 'type') ?? '') ?? onOther;
      handler(state, event, out);
      return out;
    },
    get done() {
      return state.done;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/**
 * Admission (docs/product.md §4 step 2): the first event proving work started. `response.created`,
 * `response.queued` and `response.in_progress` are not proof — an unsupported model or a flex
 * request that cannot be served sends them and then fails — and neither are keepalives.
 */
function admit(state: ParserState, out: Out): void {
  if (state.admitted) return;
  state.admitted = true;
  out.push({ type: 'admitted' });
}

function onLifecycle(state: ParserState, event: JsonObject, out: Out): void {
  const response = obj(event, 'response');
  if (response === undefined) return;
  state.serviceTier = str(response, 'service_tier') ?? state.serviceTier;
  emitCreated(state, response, out);
}

function emitCreated(state: ParserState, response: JsonObject, out: Out): void {
  if (state.createdEmitted) return;
  state.createdEmitted = true;
  const created: ResponseCreatedEvent = {
    type: 'response.created',
    id: str(response, 'id') ?? '',
    model: str(response, 'model') ?? '',
    createdAt: num(response, 'created_at') ?? Math.floor(Date.now() / 1000),
  };
  out.push(created);
}

function onFailed(_state: ParserState, event: JsonObject): void {
  throw openaiStreamError(event);
}

function onTerminal(state: ParserState, event: JsonObject, out: Out): void {
  const response = obj(event, 'response') ?? {};
  admit(state, out);
  emitCreated(state, response, out);
  const status =
    str(event, 'type') === 'response.incomplete' || str(response, 'status') === 'incomplete'
      ? 'incomplete'
      : 'completed';
  const output = finalOutput(state, response);
  const rawTier = str(response, 'service_tier') ?? state.serviceTier;
  out.push({
    type: 'response.completed',
    response: {
      id: str(response, 'id') ?? '',
      model: str(response, 'model') ?? '',
      createdAt: num(response, 'created_at') ?? Math.floor(Date.now() / 1000),
      status,
      finishReason: mapOpenAIFinishReason({
        status,
        incompleteReason: str(obj(response, 'incomplete_details') ?? {}, 'reason'),
        output,
      }),
      output,
      usage: mapOpenAIUsage(response.usage),
      servedTier: mapOpenAIServedTier(rawTier),
      ...(rawTier !== undefined ? { rawServiceTier: rawTier } : {}),
      provider: 'openai',
    },
  });
  state.done = true;
}

/** The final response's own output is authoritative; the streamed items cover a missing one. */
function finalOutput(state: ParserState, response: JsonObject): OutputItem[] {
  const output: OutputItem[] = [];
  for (const raw of arr(response, 'output')) {
    const item = mapOutputItem(raw, 'completed');
    if (item !== undefined) output.push(item);
  }
  return output.length > 0 ? output : state.items.filter((item) => item !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Items

/** Canonical index for an upstream index, or undefined for skipped / unknown items. */
function indexOf(state: ParserState, event: JsonObject): number | undefined {
  const upstream = num(event, 'output_index');
  return upstream === undefined ? undefined : state.indexes.get(upstream);
}

function openItem(state: ParserState, event: JsonObject, status: ItemStatus, out: Out): OutputItem | undefined {
  const upstream = num(event, 'output_index');
  const item = mapOutputItem(event.item, status);
  if (upstream === undefined || item === undefined) return undefined;
  const existing = state.indexes.get(upstream);
  if (existing !== undefined) return item;
  const outputIndex = state.nextIndex++;
  state.indexes.set(upstream, outputIndex);
  if (item.type === 'provider_item') state.providerItems.add(outputIndex);
  out.push({ type: 'item.added', outputIndex, item: initialItem(item) });
  return item;
}

/** The item as announced: no content, summary or arguments yet. */
function initialItem(item: OutputItem): OutputItem {
  switch (item.type) {
    case 'message':
      return { ...item, status: 'in_progress', content: [] };
    case 'reasoning':
      return { ...item, summary: [] };
    case 'function_call':
      return { ...item, arguments: '' };
    case 'web_search_call':
      return { ...item, status: 'in_progress' };
    // OpenAI's own announcement of the item is its initial state.
    case 'provider_item':
      return item;
  }
}

function onItemAdded(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  openItem(state, event, 'in_progress', out);
}

function onItemDone(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  // Opens the item first when a stream skipped its `output_item.added`.
  const item = openItem(state, event, 'completed', out);
  const outputIndex = indexOf(state, event);
  if (item === undefined || outputIndex === undefined) return;
  state.items[outputIndex] = item;
  out.push({ type: 'item.done', outputIndex, item });
}

// ---------------------------------------------------------------------------------------------
// Content, reasoning and arguments

function onContentPart(kind: 'content_part.added' | 'content_part.done'): Handler {
  return (state, event, out) => {
    admit(state, out);
    const outputIndex = indexOf(state, event);
    const part = mapOutputContent(event.part);
    if (outputIndex === undefined || part === undefined) return;
    out.push({ type: kind, outputIndex, contentIndex: num(event, 'content_index') ?? 0, part });
  };
}

function onContentDelta(kind: 'text.delta' | 'refusal.delta'): Handler {
  return (state, event, out) => {
    admit(state, out);
    const outputIndex = indexOf(state, event);
    if (outputIndex === undefined) return;
    out.push({
      type: kind,
      outputIndex,
      contentIndex: num(event, 'content_index') ?? 0,
      delta: str(event, 'delta') ?? '',
    });
  };
}

function onSummaryPartAdded(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  const outputIndex = indexOf(state, event);
  if (outputIndex === undefined) return;
  out.push({ type: 'reasoning_summary_part.added', outputIndex, summaryIndex: num(event, 'summary_index') ?? 0 });
}

function onSummaryDelta(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  const outputIndex = indexOf(state, event);
  if (outputIndex === undefined) return;
  out.push({
    type: 'reasoning_summary.delta',
    outputIndex,
    summaryIndex: num(event, 'summary_index') ?? 0,
    delta: str(event, 'delta') ?? '',
  });
}

function onSummaryPartDone(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  const outputIndex = indexOf(state, event);
  if (outputIndex === undefined) return;
  out.push({
    type: 'reasoning_summary_part.done',
    outputIndex,
    summaryIndex: num(event, 'summary_index') ?? 0,
    text: str(obj(event, 'part') ?? {}, 'text') ?? '',
  });
}

function onReasoningTextDelta(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  const outputIndex = indexOf(state, event);
  if (outputIndex === undefined) return;
  out.push({ type: 'reasoning_text.delta', outputIndex, delta: str(event, 'delta') ?? '' });
}

function onAnnotationAdded(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  const outputIndex = indexOf(state, event);
  const annotation = mapAnnotation(event.annotation);
  if (outputIndex === undefined || annotation === undefined) return;
  out.push({
    type: 'annotation.added',
    outputIndex,
    contentIndex: num(event, 'content_index') ?? 0,
    annotationIndex: num(event, 'annotation_index') ?? 0,
    annotation,
  });
}

function onArgumentsDelta(state: ParserState, event: JsonObject, out: Out): void {
  admit(state, out);
  const outputIndex = indexOf(state, event);
  if (outputIndex === undefined) return;
  out.push({ type: 'function_call_arguments.delta', outputIndex, delta: str(event, 'delta') ?? '' });
}

/**
 * An event type without a handler: one about a provider item (OpenAI's `output_index` names it) is
 * carried as is; anything else (keepalives, events added to the API later) is ignored.
 */
function onOther(state: ParserState, event: JsonObject, out: Out): void {
  const outputIndex = indexOf(state, event);
  if (outputIndex === undefined || !state.providerItems.has(outputIndex)) return;
  admit(state, out);
  out.push({ type: 'provider_item.event', outputIndex, provider: 'openai', raw: event });
}

/** Work events whose content arrives whole elsewhere (`*.done` parts and items): proof only. */
function onWorkOnly(state: ParserState, _event: JsonObject, out: Out): void {
  admit(state, out);
}

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['response.created', onLifecycle],
  ['response.queued', onLifecycle],
  ['response.in_progress', onLifecycle],
  ['response.completed', onTerminal],
  ['response.incomplete', onTerminal],
  ['response.failed', onFailed],
  ['error', onFailed],
  ['response.output_item.added', onItemAdded],
  ['response.output_item.done', onItemDone],
  ['response.content_part.added', onContentPart('content_part.added')],
  ['response.content_part.done', onContentPart('content_part.done')],
  ['response.output_text.delta', onContentDelta('text.delta')],
  ['response.refusal.delta', onContentDelta('refusal.delta')],
  ['response.output_text.done', onWorkOnly],
  ['response.refusal.done', onWorkOnly],
  ['response.output_text.annotation.added', onAnnotationAdded],
  ['response.web_search_call.in_progress', onWorkOnly],
  ['response.web_search_call.searching', onWorkOnly],
  ['response.web_search_call.completed', onWorkOnly],
  ['response.reasoning_summary_part.added', onSummaryPartAdded],
  ['response.reasoning_summary_text.delta', onSummaryDelta],
  ['response.reasoning_summary_text.done', onWorkOnly],
  ['response.reasoning_summary_part.done', onSummaryPartDone],
  ['response.reasoning_text.delta', onReasoningTextDelta],
  ['response.reasoning_text.done', onWorkOnly],
  ['response.function_call_arguments.delta', onArgumentsDelta],
  ['response.function_call_arguments.done', onWorkOnly],
]);

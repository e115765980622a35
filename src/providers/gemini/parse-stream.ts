// Interactions stream events (parsed `data` JSON) → canonical stream events.
// Event order (test/fixtures/gemini/basic.chunks.txt): interaction.created →
// interaction.status_update → (step.start → step.delta* → step.stop)* → interaction.completed,
// then `data: [DONE]`. https://ai.google.dev/api/interactions-api#streaming
//
// Admission: the first step.start / step.delta proves the model is working; a status update alone
// is not proof (docs/product.md §4).
import { randomBytes } from 'node:crypto';
import type { CanonicalStreamEvent, OutputItem, RequestedTier } from '../../canonical/types.js';
import { failedInteraction, geminiStreamError } from './map-error.js';
import { mapGeminiFinishReason } from './map-finish-reason.js';
import { mapGeminiServedTier } from './map-tier.js';
import { mapGeminiUsage } from './map-usage.js';
import { applyDelta, citedSources, finishStep, startStep, type OpenStep } from './stream-items.js';
import type { WireInteraction, WireStreamEvent } from './wire.js';

export interface GeminiStreamDeps {
  /** The model asked for; used when the stream does not name one. */
  model: string;
  tier: RequestedTier;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Random suffix for ids Gemini does not provide (items; the interaction under store:false). */
  randomId?: () => string;
}

export interface GeminiStreamParser {
  /** Canonical events for one upstream event. Throws FlexError for in-stream failures. */
  push(event: unknown): CanonicalStreamEvent[];
  /** True once `response.completed` was produced; later upstream events are ignored. */
  readonly done: boolean;
}

interface ParserState {
  started: boolean;
  admitted: boolean;
  done: boolean;
  id: string;
  model: string;
  createdAt: number;
  /** Open steps by Gemini step index. */
  open: Map<number, OpenStep>;
  /** Finished items by canonical output index. */
  output: Map<number, OutputItem>;
  nextOutputIndex: number;
  hasFunctionCall: boolean;
  /** Search steps that stopped, finished at the end once the answer's citations are known. */
  searches: { open: Extract<OpenStep, { kind: 'search' }>; status: 'completed' | 'incomplete' }[];
}

export function createGeminiStreamParser(deps: GeminiStreamDeps): GeminiStreamParser {
  const now = deps.now ?? Date.now;
  const randomId = deps.randomId ?? (() => randomBytes(12).toString('hex'));
  const state: ParserState = {
    started: false,
    admitted: false,
    done: false,
    id: '',
    model: deps.model,
    createdAt: Math.floor(now() / 1000),
    open: new Map(),
    output: new Map(),
    nextOutputIndex: 0,
    hasFunctionCall: false,
    searches: [],
  };
  const ids = { itemId: (prefix: string) => `${prefix}_${randomId()}` };

  function push(raw: unknown): CanonicalStreamEvent[] {
    const events: CanonicalStreamEvent[] = [];
    if (state.done || typeof raw !== 'object' || raw === null) return events;
    const emit = (e: CanonicalStreamEvent): void => {
      events.push(e);
    };
    const event = raw as WireStreamEvent;
    switch (event.event_type) {
      case 'interaction.created':
        onCreated(event.interaction, emit);
        break;
      case 'interaction.status_update':
        break;
      case 'step.start':
        onStepStart(event.index, event, emit);
        break;
      case 'step.delta':
        begin(undefined, emit);
        admit(emit);
        applyDelta(state.open.get(event.index ?? -1) ?? { kind: 'ignored' }, event.delta, emit);
        break;
      case 'step.stop':
        onStepStop(event.index, emit);
        break;
      case 'interaction.completed':
        onCompleted(event.interaction, emit);
        break;
      case 'error':
        throw geminiStreamError(event.error);
      default:
        // Unknown event types are skipped: the API adds events over time.
        break;
    }
    return events;
  }

  function onCreated(interaction: WireInteraction | undefined, emit: (e: CanonicalStreamEvent) => void): void {
    begin(interaction, emit);
  }

  /** `response.created`, once, before anything else. */
  function begin(interaction: WireInteraction | undefined, emit: (e: CanonicalStreamEvent) => void): void {
    if (state.started) return;
    state.started = true;
    // With store:false the interaction id may be "" (nothing is kept server-side).
    state.id = interaction?.id || `gemini_${randomId()}`;
    if (interaction?.model) state.model = interaction.model;
    state.createdAt = parseCreated(interaction?.created) ?? state.createdAt;
    emit({ type: 'response.created', id: state.id, model: state.model, createdAt: state.createdAt });
  }

  function admit(emit: (e: CanonicalStreamEvent) => void): void {
    if (state.admitted) return;
    state.admitted = true;
    emit({ type: 'admitted' });
  }

  function onStepStart(index: number | undefined, event: Extract<WireStreamEvent, { event_type: 'step.start' }>, emit: (e: CanonicalStreamEvent) => void): void {
    begin(undefined, emit);
    admit(emit);
    const key = index ?? -1;
    const previous = state.open.get(key);
    if (previous) closeStep(key, previous, emit);
    const open = startStep(event.step, state.nextOutputIndex, ids, emit);
    if (open.kind !== 'ignored') state.nextOutputIndex += 1;
    if (open.kind === 'function_call') state.hasFunctionCall = true;
    state.open.set(key, open);
  }

  function onStepStop(index: number | undefined, emit: (e: CanonicalStreamEvent) => void): void {
    const key = index ?? -1;
    const open = state.open.get(key);
    if (open) closeStep(key, open, emit);
  }

  function closeStep(key: number, open: OpenStep, emit: (e: CanonicalStreamEvent) => void, status: 'completed' | 'incomplete' = 'completed'): void {
    state.open.delete(key);
    // A search's sources are the pages the answer cites, and the answer may come before the search
    // (as in the recorded google-search.chunks.txt) or after it: its item.done waits for the end.
    if (open.kind === 'search') {
      state.searches.push({ open, status });
      return;
    }
    finish(open, status, emit);
  }

  function finish(open: OpenStep, status: 'completed' | 'incomplete', emit: (e: CanonicalStreamEvent) => void): void {
    const item = finishStep(open, status, emit);
    if (item && open.kind !== 'ignored') state.output.set(open.outputIndex, item);
  }

  function onCompleted(interaction: WireInteraction | undefined, emit: (e: CanonicalStreamEvent) => void): void {
    begin(interaction, emit);
    const outcome = mapGeminiFinishReason(interaction?.status, state.hasFunctionCall);
    if (outcome.type === 'failed') throw failedInteraction(interaction, outcome.raw);
    // Steps left open by the upstream are closed so every *.added has its *.done.
    const itemStatus = outcome.status === 'completed' ? 'completed' : 'incomplete';
    for (const [key, open] of [...state.open].sort(([a], [b]) => a - b)) closeStep(key, open, emit, itemStatus);
    const sources = citedSources(state.output.values());
    for (const { open, status } of state.searches) finish({ ...open, sources }, status, emit);
    state.done = true;
    emit({
      type: 'response.completed',
      response: {
        id: state.id,
        model: interaction?.model || state.model,
        createdAt: state.createdAt,
        status: outcome.status,
        finishReason: outcome.finishReason,
        output: [...state.output].sort(([a], [b]) => a - b).map(([, item]) => item),
        usage: mapGeminiUsage(interaction?.usage),
        servedTier: mapGeminiServedTier(interaction?.service_tier, deps.tier),
        ...(interaction?.service_tier ? { rawServiceTier: interaction.service_tier } : {}),
        provider: 'gemini',
      },
    });
  }

  return {
    push,
    get done() {
      return state.done;
    },
  };
}

function parseCreated(created: string | undefined): number | undefined {
  if (!created) return undefined;
  const ms = Date.parse(created);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

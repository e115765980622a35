// Canonical response → a non-streamed Interactions `interaction` object, shaped as basic.json,
// tool-call-step1.json and structured-output.json: thought steps carry their signature (and
// summary when there is one), answers are `model_output` text, calls are `function_call` with
// the arguments as an object.
import type {
  Annotation,
  CanonicalResponse,
  FunctionCallItem,
  OutputItem,
  OutputMessage,
  ReasoningItem,
  WebSearchCallItem,
} from '../../canonical/types.js';
import type { EncodeContext } from '../surface.js';
import { interactionStatus } from './map-status.js';
import { mapInteractionsUsage } from './map-usage.js';
import { encodeSignature } from './opaque.js';
import type {
  FunctionCallStep,
  GoogleSearchCallStep,
  GoogleSearchResultStep,
  Interaction,
  InteractionStep,
  ModelOutputStep,
  ThoughtStep,
  UrlCitation,
} from './wire.js';

export interface ResponseOptions {
  /** The request carried no images (see map-usage.ts). */
  textOnlyInput: boolean;
}

export function encodeInteractionsResponse(
  response: CanonicalResponse,
  ctx: EncodeContext,
  options: ResponseOptions,
): Interaction {
  const { object, model, ...head } = interactionSummary(response, ctx, options);
  return { ...head, steps: response.output.flatMap(stepsFor), object, model };
}

/** Everything but the steps: the body of the stream's `interaction.completed` event. */
export function interactionSummary(
  response: CanonicalResponse,
  ctx: EncodeContext,
  options: ResponseOptions,
): Omit<Interaction, 'steps'> {
  const time = isoSeconds(response.createdAt);
  return {
    id: response.id,
    status: interactionStatus(response),
    usage: mapInteractionsUsage(response.usage, options.textOnlyInput),
    created: time,
    updated: time,
    service_tier: ctx.servedTier,
    object: 'interaction',
    model: response.model,
  };
}

function stepsFor(item: OutputItem): InteractionStep[] {
  switch (item.type) {
    case 'reasoning':
      return [thoughtStep(item)];
    case 'message':
      return [modelOutputStep(item)];
    case 'function_call':
      return [functionCallStep(item)];
    case 'web_search_call':
      return searchSteps(item);
    // Another provider's hosted tool call has no Interactions step.
    case 'provider_item':
      return [];
  }
}

/**
 * A web search as Gemini shows its own: the call with its queries, then the result, whose search
 * suggestions (Google's rendered widget) no other provider makes; the sources are the citations.
 */
export function searchSteps(item: WebSearchCallItem): [GoogleSearchCallStep, GoogleSearchResultStep] {
  const id = item.id.replace(/^ws_gemini_/, '');
  return [
    { id, type: 'google_search_call', arguments: { queries: item.queries } },
    { call_id: id, type: 'google_search_result', result: [], ...(item.status === 'failed' ? { is_error: true } : {}) },
  ];
}

/** URL citations with their offsets in UTF-8 bytes of `text`, as Gemini counts them. */
export function byteCitations(annotations: readonly Annotation[] | undefined, text: string): UrlCitation[] {
  return (annotations ?? []).flatMap((a) => {
    if (a.type !== 'url_citation') return [];
    const bytes = (index: number): number => Buffer.byteLength(text.slice(0, index), 'utf8');
    return [{ type: 'url_citation' as const, url: a.url, title: a.title, start_index: bytes(a.startIndex), end_index: bytes(a.endIndex) }];
  });
}

/** The summary texts a thought step shows; Anthropic's full thinking rides here (see opaque.ts). */
export function thoughtTexts(item: ReasoningItem): string[] {
  return item.text !== undefined && item.text !== '' ? [item.text] : item.summary;
}

function thoughtStep(item: ReasoningItem): ThoughtStep {
  const texts = thoughtTexts(item);
  return {
    ...(item.opaque === undefined ? {} : { signature: encodeSignature(item.opaque, item.id) }),
    ...(texts.length === 0 ? {} : { summary: texts.map((text) => ({ text, type: 'text' as const })) }),
    type: 'thought',
  };
}

/** Gemini has no refusal part: a refusal is the answer text. */
function modelOutputStep(item: OutputMessage): ModelOutputStep {
  return {
    content: item.content.map((part) => {
      if (part.type === 'refusal') return { text: part.refusal, type: 'text' };
      const annotations = byteCitations(part.annotations, part.text);
      return annotations.length > 0 ? { text: part.text, type: 'text', annotations } : { text: part.text, type: 'text' };
    }),
    type: 'model_output',
  };
}

function functionCallStep(item: FunctionCallItem): FunctionCallStep {
  return {
    id: item.callId,
    ...(item.opaque === undefined ? {} : { signature: encodeSignature(item.opaque, item.id) }),
    type: 'function_call',
    name: item.name,
    arguments: parseArguments(item.arguments),
  };
}

/** Arguments are an object on this wire; text that is not one (a truncated call) becomes `{}`. */
export function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** ISO 8601 to the second, as the API writes it (`2026-05-15T18:51:57Z`). */
export function isoSeconds(unixSeconds: number): string {
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

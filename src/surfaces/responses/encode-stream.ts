// Canonical stream → Responses server-sent events: `event: <type>\ndata: <json>\n\n`, with
// `sequence_number` counting from 0 and no `[DONE]` terminator.
// https://platform.openai.com/docs/api-reference/responses-streaming
// Event order and fields follow test/fixtures/openai-responses/openai-reasoning-encrypted-content.1.chunks.txt
// and test_openai_responses_stream.yaml; failures follow openai-error.1.chunks.txt.
import type {
  CanonicalStreamEvent,
  ContentPartDoneEvent,
  ItemDoneEvent,
  OutputItem,
  ProviderItemEvent,
  ResponseCompletedEvent,
} from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { openAIErrorBody } from '../../errors/render.js';
import type { EncodeContext, StreamEncoder } from '../surface.js';
import type { ResponsesEcho } from './echo.js';
import { encodeAnnotation, encodeItem, encodePart } from './encode-items.js';
import { buildResponseObject, finalState, type ResponseHeader, type ResponseState } from './encode-response.js';

export interface ResponsesStreamDeps {
  echo: ResponsesEcho;
  ctx: EncodeContext;
  /** Model name to report if the stream fails before `response.created` (the requested model). */
  model: string;
  now?: () => number;
}

interface StreamState {
  seq: number;
  header: ResponseHeader | undefined;
  /** outputIndex → item id, for the `item_id` of every delta. */
  itemIds: Map<number, string>;
  /** Reasoning items whose full-text part (content_index 0) was opened. */
  reasoningTextOpen: Set<number>;
  /** Finished items, for the snapshot a `response.failed` carries. */
  doneItems: OutputItem[];
}

export function createResponsesStreamEncoder(deps: ResponsesStreamDeps): StreamEncoder {
  const state: StreamState = {
    seq: 0,
    header: undefined,
    itemIds: new Map(),
    reasoningTextOpen: new Set(),
    doneItems: [],
  };
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));

  const frame = (type: string, fields: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: state.seq++, ...fields })}\n\n`;

  const itemId = (outputIndex: number): string => state.itemIds.get(outputIndex) ?? '';

  const header = (): ResponseHeader =>
    (state.header ??= { id: deps.ctx.requestId, model: deps.model, createdAt: now() });

  const snapshot = (s: ResponseState): Record<string, unknown> =>
    buildResponseObject(header(), s, deps.echo, deps.ctx.servedTier);

  function onEvent(event: CanonicalStreamEvent): string {
    switch (event.type) {
      case 'admitted':
        return '';
      case 'response.created': {
        state.header = { id: event.id, model: event.model, createdAt: event.createdAt };
        const inProgress = snapshot({ status: 'in_progress', error: null, incompleteDetails: null, output: [], usage: null });
        return frame('response.created', { response: inProgress }) + frame('response.in_progress', { response: inProgress });
      }
      case 'item.added': {
        state.itemIds.set(event.outputIndex, event.item.id);
        const added = frame('response.output_item.added', { output_index: event.outputIndex, item: encodeItem(event.item) });
        if (event.item.type !== 'web_search_call') return added;
        return added + frame('response.web_search_call.in_progress', { item_id: event.item.id, output_index: event.outputIndex });
      }
      case 'annotation.added':
        return frame('response.output_text.annotation.added', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          content_index: event.contentIndex,
          annotation_index: event.annotationIndex,
          annotation: encodeAnnotation(event.annotation),
        });
      case 'content_part.added':
        return frame('response.content_part.added', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          content_index: event.contentIndex,
          part: encodePart(event.part),
        });
      case 'text.delta':
        return frame('response.output_text.delta', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          content_index: event.contentIndex,
          delta: event.delta,
          logprobs: [],
        });
      case 'refusal.delta':
        return frame('response.refusal.delta', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          content_index: event.contentIndex,
          delta: event.delta,
        });
      case 'content_part.done':
        return onContentPartDone(event);
      case 'reasoning_summary_part.added':
        return frame('response.reasoning_summary_part.added', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          summary_index: event.summaryIndex,
          part: { type: 'summary_text', text: '' },
        });
      case 'reasoning_summary.delta':
        return frame('response.reasoning_summary_text.delta', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          summary_index: event.summaryIndex,
          delta: event.delta,
        });
      case 'reasoning_summary_part.done': {
        const at = { item_id: itemId(event.outputIndex), output_index: event.outputIndex, summary_index: event.summaryIndex };
        return (
          frame('response.reasoning_summary_text.done', { ...at, text: event.text }) +
          frame('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: event.text } })
        );
      }
      case 'reasoning_text.delta':
        return onReasoningTextDelta(event.outputIndex, event.delta);
      case 'function_call_arguments.delta':
        return frame('response.function_call_arguments.delta', {
          item_id: itemId(event.outputIndex),
          output_index: event.outputIndex,
          delta: event.delta,
        });
      case 'item.done':
        return onItemDone(event);
      case 'provider_item.event':
        return onProviderItemEvent(event);
      case 'response.completed':
        return onCompleted(event);
    }
  }

  function onContentPartDone(event: ContentPartDoneEvent): string {
    const at = { item_id: itemId(event.outputIndex), output_index: event.outputIndex, content_index: event.contentIndex };
    const textDone =
      event.part.type === 'output_text'
        ? frame('response.output_text.done', { ...at, text: event.part.text, logprobs: [] })
        : frame('response.refusal.done', { ...at, refusal: event.part.refusal });
    return textDone + frame('response.content_part.done', { ...at, part: encodePart(event.part) });
  }

  /** Full reasoning text is content part 0 of the reasoning item (`reasoning_text`). */
  function onReasoningTextDelta(outputIndex: number, delta: string): string {
    const at = { item_id: itemId(outputIndex), output_index: outputIndex, content_index: 0 };
    let out = '';
    if (!state.reasoningTextOpen.has(outputIndex)) {
      state.reasoningTextOpen.add(outputIndex);
      out += frame('response.content_part.added', { ...at, part: { type: 'reasoning_text', text: '' } });
    }
    return out + frame('response.reasoning_text.delta', { ...at, delta });
  }

  function onItemDone(event: ItemDoneEvent): string {
    const { item, outputIndex } = event;
    const at = { item_id: item.id, output_index: outputIndex };
    let out = '';
    if (item.type === 'function_call') {
      out += frame('response.function_call_arguments.done', { ...at, arguments: item.arguments });
    } else if (item.type === 'web_search_call') {
      // OpenAI's order: in_progress (after the item is added), searching, completed, item done.
      out += frame('response.web_search_call.searching', at) + frame('response.web_search_call.completed', at);
    } else if (item.type === 'reasoning' && state.reasoningTextOpen.has(outputIndex)) {
      const text = item.text ?? '';
      out += frame('response.reasoning_text.done', { ...at, content_index: 0, text });
      out += frame('response.content_part.done', { ...at, content_index: 0, part: { type: 'reasoning_text', text } });
    }
    state.doneItems.push(item);
    return out + frame('response.output_item.done', { output_index: outputIndex, item: encodeItem(item) });
  }

  /**
   * A provider item's own event (`response.code_interpreter_call_code.delta`, …) as OpenAI sent it,
   * numbered in this stream: our `sequence_number`, the item's `output_index` here. `obfuscation`
   * padding is left out, as on every other delta this encoder writes.
   */
  function onProviderItemEvent(event: ProviderItemEvent): string {
    const type = typeof event.raw.type === 'string' ? event.raw.type : '';
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event.raw)) {
      if (key === 'type' || key === 'sequence_number' || key === 'obfuscation') continue;
      fields[key] = key === 'output_index' ? event.outputIndex : value;
    }
    return frame(type, fields);
  }

  function onCompleted(event: ResponseCompletedEvent): string {
    const { response } = event;
    state.header ??= { id: response.id, model: response.model, createdAt: response.createdAt };
    const type =
      response.status === 'completed' ? 'response.completed'
      : response.status === 'incomplete' ? 'response.incomplete'
      : 'response.failed';
    return frame(type, { response: snapshot(finalState(response)) });
  }

  /**
   * A failure after bytes were sent: an `error` event, then `response.failed` with the snapshot.
   * The error event carries the fields flat (as the SDK's ResponseErrorEvent type declares) and
   * nested under `error` (as the live API sends them, see openai-error.1.chunks.txt), so both
   * readers see it; the openai SDK raises an APIError on the nested form, as it does for OpenAI.
   */
  function onError(err: FlexError): string {
    const body = openAIErrorBody(err, deps.ctx.docsBaseUrl ?? '').error;
    const nested = { type: body.type, code: body.code, message: body.message, param: body.param };
    const errorEvent = frame('error', { code: body.code, message: body.message, param: body.param, error: nested });
    const failed = snapshot({
      status: 'failed',
      error: { code: body.code, message: body.message },
      incompleteDetails: null,
      output: state.doneItems,
      usage: null,
    });
    return errorEvent + frame('response.failed', { response: failed });
  }

  return { event: onEvent, error: onError, end: () => '' };
}

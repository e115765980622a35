// Canonical stream → `chat.completion.chunk` server-sent events (`data: <chunk>\n\n`, ended by
// `data: [DONE]\n\n`). https://platform.openai.com/docs/api-reference/chat-streaming
//
// Chunk order follows the recordings in test/fixtures/openai-chat/:
// - the first chunk carries `role` together with the first content: `{role, content:"", refusal:null}`
//   for text, `{role, content:null, refusal:""}` for a refusal (ChatCompletionStream.test.ts.snap),
//   `{role, content:null, tool_calls:[…], refusal:null}` for a tool call
//   (test_run_stream_sync_streams_real_model.yaml); so it waits until that content is known;
// - tool calls are numbered by `index` in call order; the first delta has id, type and name;
// - a last chunk with an empty delta and `finish_reason`; with `include_usage`, every chunk has
//   `usage: null` and a final chunk has `choices: []` and the usage (openai-text.chunks.txt).
// Reasoning has no Chat counterpart and is skipped (its tokens stay in usage). URL citations go in a
// delta of their own, `{annotations:[…]}`, offsets counted over the whole content.
import type { CanonicalStreamEvent, ItemDoneEvent, ResponseCompletedEvent } from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { openAIErrorBody } from '../../errors/render.js';
import { mapServiceTier } from '../openai-dialect.js';
import type { EncodeContext, StreamEncoder } from '../surface.js';
import { chatId, encodeAnnotation } from './encode-response.js';
import { mapChatFinishReason } from './map-finish-reason.js';
import { mapChatUsage, type ChatUsage } from './map-usage.js';

export interface ChatStreamDeps {
  ctx: EncodeContext;
  includeUsage: boolean;
  /** Model name to report if content arrives before `response.created` (the requested model). */
  model: string;
  now?: () => number;
}

interface ChunkHeader {
  id: string;
  created: number;
  model: string;
}

interface ChatStreamState {
  header: ChunkHeader | undefined;
  roleSent: boolean;
  /** outputIndex of a function_call item → its `tool_calls[].index`. */
  toolIndex: Map<number, number>;
  /** Argument characters already sent per tool call, to flush any the provider sent only at the end. */
  argsSent: Map<number, number>;
  /** Content characters sent so far, and where each text part (`outputIndex:contentIndex`) began. */
  contentLength: number;
  partStart: Map<string, number>;
}

type Delta = Record<string, unknown>;

export function createChatStreamEncoder(deps: ChatStreamDeps): StreamEncoder {
  const state: ChatStreamState = {
    header: undefined, roleSent: false, toolIndex: new Map(), argsSent: new Map(), contentLength: 0, partStart: new Map(),
  };
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const serviceTier = mapServiceTier(deps.ctx.servedTier);

  const header = (): ChunkHeader =>
    (state.header ??= { id: chatId(deps.ctx.requestId), created: now(), model: deps.model });

  /** `data: {"id":…,"choices":` — the same for every chunk, so serialised once per stream. */
  let prefix: string | undefined;
  function chunk(choicesJson: string, usage: ChatUsage | null = null): string {
    if (prefix === undefined) {
      const h = header();
      const fixed = { id: h.id, object: 'chat.completion.chunk', created: h.created, model: h.model, service_tier: serviceTier, system_fingerprint: null };
      prefix = `data: ${JSON.stringify(fixed).slice(0, -1)},"choices":`;
    }
    return `${prefix}${choicesJson}${deps.includeUsage ? `,"usage":${JSON.stringify(usage)}` : ''}}\n\n`;
  }

  const deltaChunk = (delta: Delta, finishReason: string | null = null): string =>
    chunk(JSON.stringify([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]));

  /** The common case, a text delta after the first, without building objects to serialise. */
  const textChunk = (text: string): string =>
    chunk(`[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]`);

  /** Prefixes the role on the first content delta; `first` is the delta to send when it is first. */
  function withRole(first: Delta, later: Delta | null): string {
    if (state.roleSent) return later === null ? '' : deltaChunk(later);
    state.roleSent = true;
    return deltaChunk({ role: 'assistant', ...first });
  }

  function onEvent(event: CanonicalStreamEvent): string {
    switch (event.type) {
      case 'response.created':
        state.header = { id: chatId(event.id), created: event.createdAt, model: event.model };
        prefix = undefined;
        return '';
      case 'content_part.added':
        state.partStart.set(`${event.outputIndex}:${event.contentIndex}`, state.contentLength);
        return event.part.type === 'output_text'
          ? withRole({ content: '', refusal: null }, null)
          : withRole({ content: null, refusal: '' }, null);
      case 'text.delta':
        state.contentLength += event.delta.length;
        return state.roleSent ? textChunk(event.delta) : withRole({ content: event.delta, refusal: null }, null);
      case 'annotation.added': {
        const annotations = encodeAnnotation(event.annotation, state.partStart.get(`${event.outputIndex}:${event.contentIndex}`) ?? 0);
        return annotations.length === 0 ? '' : withRole({ content: '', annotations, refusal: null }, { annotations });
      }
      case 'refusal.delta':
        return withRole({ content: null, refusal: event.delta }, { refusal: event.delta });
      case 'item.added':
        return event.item.type === 'function_call' ? onToolCallAdded(event.outputIndex, event.item) : '';
      case 'function_call_arguments.delta':
        return onArguments(event.outputIndex, event.delta);
      case 'item.done':
        return onItemDone(event);
      case 'response.completed':
        return onCompleted(event);
      case 'admitted':
      case 'content_part.done':
      case 'reasoning_summary_part.added':
      case 'reasoning_summary.delta':
      case 'reasoning_summary_part.done':
      case 'reasoning_text.delta':
      case 'provider_item.event': // Chat has no hosted tools: nothing shows a provider item's progress.
        return '';
    }
  }

  function onToolCallAdded(outputIndex: number, item: { callId: string; name: string; arguments: string }): string {
    const index = state.toolIndex.size;
    state.toolIndex.set(outputIndex, index);
    state.argsSent.set(outputIndex, item.arguments.length);
    const call = { index, id: item.callId, type: 'function', function: { name: item.name, arguments: item.arguments } };
    return withRole({ content: null, tool_calls: [call], refusal: null }, { tool_calls: [call] });
  }

  function onArguments(outputIndex: number, delta: string): string {
    const index = state.toolIndex.get(outputIndex);
    if (index === undefined || delta.length === 0) return '';
    state.argsSent.set(outputIndex, (state.argsSent.get(outputIndex) ?? 0) + delta.length);
    return deltaChunk({ tool_calls: [{ index, function: { arguments: delta } }] });
  }

  /** Sends whatever part of the final arguments was never streamed as deltas. */
  function onItemDone(event: ItemDoneEvent): string {
    if (event.item.type !== 'function_call') return '';
    const sent = state.argsSent.get(event.outputIndex) ?? 0;
    return onArguments(event.outputIndex, event.item.arguments.slice(sent));
  }

  function onCompleted(event: ResponseCompletedEvent): string {
    const { response } = event;
    let out = withRole({ content: '', refusal: null }, null);
    out += deltaChunk({}, mapChatFinishReason(response.finishReason, state.toolIndex.size > 0));
    if (deps.includeUsage) out += chunk('[]', mapChatUsage(response.usage));
    return out;
  }

  /** A failure after bytes were sent: OpenAI's error object as a data chunk, and no [DONE]. */
  function onError(err: FlexError): string {
    return `data: ${JSON.stringify(openAIErrorBody(err, deps.ctx.docsBaseUrl ?? ''))}\n\n`;
  }

  return { event: onEvent, error: onError, end: () => 'data: [DONE]\n\n' };
}

// Renders a reply as an Anthropic Messages stream or body: message_start, per block
// content_block_start / deltas / content_block_stop (a ping after the first block start),
// message_delta with stop_reason and usage, message_stop. Data lines carry trailing spaces like
// the recorded wire (test/fixtures/anthropic/test_anthropic_model_thinking_part_stream.yaml).
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
import type { RenderContext, Renderer } from '../dialect.js';
import type { Finish, Reply, ReplyBlock } from '../reply.js';
import { estimateTokens, wordChunks } from '../reply.js';
import { ALPHABETS, type Rng } from '../rng.js';
import { rawFrame, sseFrame, type Frame } from '../sse.js';
import { ANTHROPIC_STREAM_OVERLOADED } from './errors.js';
import type { AnthropicRequest } from './request.js';

const PING = rawFrame('event: ping\ndata: {"type": "ping"}\n\n');

function stopReason(finish: Finish): string {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'tool_calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'refusal':
      return 'refusal';
    case 'pause':
      return 'pause_turn';
  }
}

/** Blocks Anthropic would return: thinking only when enabled; a refusal has no content block. */
function visibleBlocks(reply: Reply, thinking: boolean): ReplyBlock[] {
  return reply.blocks.filter((b) => (b.kind === 'reasoning' ? thinking : b.kind !== 'refusal'));
}

function outputTokens(reply: Reply, thinking: boolean): number {
  return thinking ? reply.usage.outputTokens : reply.usage.outputTokens - reply.usage.reasoningTokens;
}

interface BlockIds {
  toolUseId: string;
  signature: string;
}

function blockIds(rng: Rng): BlockIds {
  return {
    toolUseId: `toolu_01${rng.chars(ALPHABETS.ALNUM, 22)}`,
    signature: `Eu${rng.chars(ALPHABETS.BASE64, 342)}==`,
  };
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return {};
  }
}

/**
 * One reply block as Anthropic content blocks, each with the start form its stream opens with, its
 * deltas (with their output tokens) and its final form. A web search is a server_tool_use and its
 * web_search_tool_result; cited text is split so the cited span is a block of its own, carrying the
 * citation (https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool).
 */
interface WireBlock {
  start: Record<string, unknown>;
  deltas: [Record<string, unknown>, number][];
  full: Record<string, unknown>;
}

function wireBlocks(block: ReplyBlock, ids: BlockIds, rng: Rng): WireBlock[] {
  switch (block.kind) {
    case 'reasoning': {
      const perChunk = block.tokens / Math.max(1, block.chunks.length);
      return [{
        start: { type: 'thinking', thinking: '', signature: '' },
        deltas: [...block.chunks.map((t): [Record<string, unknown>, number] => [{ type: 'thinking_delta', thinking: t }, perChunk]), [{ type: 'signature_delta', signature: ids.signature }, 0]],
        full: { type: 'thinking', thinking: block.text, signature: ids.signature },
      }];
    }
    case 'search': {
      const useId = `srvtoolu_01${rng.chars(ALPHABETS.ALNUM, 22)}`;
      const input = { query: block.query };
      const content = block.results.map((r) => ({ type: 'web_search_result', title: r.title, url: r.url, encrypted_content: `Eq${rng.chars(ALPHABETS.BASE64, 60)}`, page_age: null }));
      const result = { type: 'web_search_tool_result', tool_use_id: useId, content };
      return [
        { start: { type: 'server_tool_use', id: useId, name: 'web_search', input: {} }, deltas: [[{ type: 'input_json_delta', partial_json: JSON.stringify(input) }, 0]], full: { type: 'server_tool_use', id: useId, name: 'web_search', input } },
        { start: result, deltas: [], full: result },
      ];
    }
    // OpenAI's code interpreter; only the OpenAI request reader offers it.
    case 'code':
      return [];
    case 'text':
    case 'refusal':
      return textSpans(block).map(({ text, citations }) => ({
        start: { type: 'text', text: '' },
        deltas: [
          ...citations.map((c): [Record<string, unknown>, number] => [{ type: 'citations_delta', citation: c }, 0]),
          ...wordChunks(text).map((t): [Record<string, unknown>, number] => [{ type: 'text_delta', text: t }, estimateTokens(t)]),
        ],
        full: citations.length > 0 ? { type: 'text', text, citations } : { type: 'text', text },
      }));
    case 'tool_call':
      return [{
        start: { type: 'tool_use', id: ids.toolUseId, name: block.name, input: {} },
        deltas: [[{ type: 'input_json_delta', partial_json: '' }, 0], ...block.chunks.map((p): [Record<string, unknown>, number] => [{ type: 'input_json_delta', partial_json: p }, estimateTokens(p)])],
        full: { type: 'tool_use', id: ids.toolUseId, name: block.name, input: parseInput(block.arguments) },
      }];
  }
}

/** The text cut at its citations' edges: uncited spans, and each cited span with its citation. */
function textSpans(block: ReplyBlock & { kind: 'text' | 'refusal' }): { text: string; citations: Record<string, unknown>[] }[] {
  const cites = block.kind === 'text' ? (block.citations ?? []) : [];
  const spans: { text: string; citations: Record<string, unknown>[] }[] = [];
  let at = 0;
  for (const c of cites) {
    if (c.start > at) spans.push({ text: block.text.slice(at, c.start), citations: [] });
    const text = block.text.slice(c.start, c.end);
    spans.push({ text, citations: [{ type: 'web_search_result_location', cited_text: text, url: c.url, title: c.title, encrypted_index: 'Eo8BCioIAhgBIiQ' }] });
    at = c.end;
  }
  if (at < block.text.length || spans.length === 0) spans.push({ text: block.text.slice(at), citations: [] });
  return spans;
}

export function createAnthropicRenderer(request: AnthropicRequest, ctx: RenderContext): Renderer {
  const { rng } = ctx;
  const id = `msg_01${rng.chars(ALPHABETS.ALNUM, 22)}`;
  const { ask } = request;
  const inputTokens = (reply: Reply): number => reply.usage.inputTokens;
  const pad = (): string => (rng.next() < 0.3 ? '' : ' '.repeat(1 + rng.int(15)));
  const event = (type: string, data: Record<string, unknown>, tokens = 0): Frame => sseFrame(type, { type, ...data }, tokens, pad());

  function usage(reply: Reply, final: boolean): Record<string, unknown> {
    const base = { input_tokens: inputTokens(reply), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    if (final) return { ...base, output_tokens: outputTokens(reply, request.thinking) };
    return {
      ...base,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 1,
      service_tier: 'standard',
      inference_geo: 'not_available',
    };
  }

  function message(reply: Reply, content: unknown[], stop: string | null): Record<string, unknown> {
    const u = usage(reply, false);
    const finalUsage = stop === null ? u : { ...u, output_tokens: outputTokens(reply, request.thinking) };
    return { model: ask.model, id, type: 'message', role: 'assistant', content, stop_reason: stop, stop_sequence: null, usage: finalUsage };
  }

  function stopDelta(reply: Reply): Record<string, unknown> {
    const delta: Record<string, unknown> = { stop_reason: stopReason(reply.finish), stop_sequence: null };
    if (reply.finish === 'refusal') {
      delta.stop_details = { type: 'refusal', category: 'other', explanation: 'This request was declined under the usage policy.', recommended_model: ask.model };
    }
    return delta;
  }

  return {
    // message_start is Anthropic's proof of work: nothing is sent before admission.
    preamble: () => [],
    answer(reply) {
      const blocks = visibleBlocks(reply, request.thinking).flatMap((b) => wireBlocks(b, blockIds(rng), rng));
      const frames: Frame[] = [event('message_start', { message: message(reply, [], null) })];
      blocks.forEach((block, index) => {
        const deltas = block.deltas.map(([d, tokens]) => event('content_block_delta', { index, delta: d }, tokens));
        // The recorded streams ping once after the first block opens (after a tool_use's empty
        // first input_json_delta).
        if (index === 0) deltas.splice(block.start.type === 'tool_use' ? 1 : 0, 0, PING);
        frames.push(event('content_block_start', { index, content_block: block.start }), ...deltas, event('content_block_stop', { index }));
      });
      if (blocks.length === 0) frames.push(PING);
      frames.push(event('message_delta', { delta: stopDelta(reply), usage: usage(reply, true) }), event('message_stop', {}));
      return frames;
    },
    failurePoint: (frames) => Math.max(2, Math.floor(frames.length / 2)),
    failure: () => [rawFrame(ANTHROPIC_STREAM_OVERLOADED)],
    body(reply) {
      const content = visibleBlocks(reply, request.thinking).flatMap((b) => wireBlocks(b, blockIds(rng), rng).map((w) => w.full));
      return message(reply, content, stopReason(reply.finish));
    },
  };
}

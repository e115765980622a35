// Renders a reply as an Anthropic Messages stream or body: message_start, per block
// content_block_start / deltas / content_block_stop (a ping after the first block start),
// message_delta with stop_reason and usage, message_stop. Data lines carry trailing spaces like
// the recorded wire (test/fixtures/anthropic/test_anthropic_model_thinking_part_stream.yaml).
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
import type { RenderContext, Renderer } from '../dialect.js';
import type { Finish, Reply, ReplyBlock } from '../reply.js';
import { estimateTokens } from '../reply.js';
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

function contentBlock(block: ReplyBlock, ids: BlockIds): Record<string, unknown> {
  switch (block.kind) {
    case 'reasoning':
      return { type: 'thinking', thinking: block.text, signature: ids.signature };
    case 'text':
    case 'refusal':
      return { type: 'text', text: block.text };
    case 'tool_call':
      return { type: 'tool_use', id: ids.toolUseId, name: block.name, input: parseInput(block.arguments) };
  }
}

export function createAnthropicRenderer(request: AnthropicRequest, ctx: RenderContext): Renderer {
  const { rng } = ctx;
  const id = `msg_01${rng.chars(ALPHABETS.ALNUM, 22)}`;
  const { ask } = request;
  const inputTokens = (reply: Reply): number => reply.usage.inputTokens;
  const pad = (): string => (rng.next() < 0.3 ? '' : ' '.repeat(1 + rng.int(15)));
  const event = (type: string, data: Record<string, unknown>, tokens = 0): Frame => sseFrame(type, { type, ...data }, tokens, pad());

  function startFrames(block: ReplyBlock, index: number, ids: BlockIds): Frame[] {
    switch (block.kind) {
      case 'reasoning':
        return [event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } })];
      case 'text':
      case 'refusal':
        return [event('content_block_start', { index, content_block: { type: 'text', text: '' } })];
      case 'tool_call':
        return [event('content_block_start', { index, content_block: { type: 'tool_use', id: ids.toolUseId, name: block.name, input: {} } })];
    }
  }

  function deltaFrames(block: ReplyBlock, index: number, ids: BlockIds): Frame[] {
    const delta = (d: Record<string, unknown>, tokens: number): Frame => event('content_block_delta', { index, delta: d }, tokens);
    switch (block.kind) {
      case 'reasoning': {
        const perChunk = block.tokens / Math.max(1, block.chunks.length);
        return [
          ...block.chunks.map((t) => delta({ type: 'thinking_delta', thinking: t }, perChunk)),
          delta({ type: 'signature_delta', signature: ids.signature }, 0),
        ];
      }
      case 'text':
      case 'refusal':
        return block.chunks.map((t) => delta({ type: 'text_delta', text: t }, estimateTokens(t)));
      case 'tool_call':
        return [delta({ type: 'input_json_delta', partial_json: '' }, 0), ...block.chunks.map((p) => delta({ type: 'input_json_delta', partial_json: p }, estimateTokens(p)))];
    }
  }

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
      const blocks = visibleBlocks(reply, request.thinking);
      const frames: Frame[] = [event('message_start', { message: message(reply, [], null) })];
      blocks.forEach((block, index) => {
        const ids = blockIds(rng);
        const deltas = deltaFrames(block, index, ids);
        // The recorded streams ping once after the first block opens (after a tool_use's empty
        // first input_json_delta).
        if (index === 0) deltas.splice(block.kind === 'tool_call' ? 1 : 0, 0, PING);
        frames.push(...startFrames(block, index, ids), ...deltas, event('content_block_stop', { index }));
      });
      if (blocks.length === 0) frames.push(PING);
      frames.push(event('message_delta', { delta: stopDelta(reply), usage: usage(reply, true) }), event('message_stop', {}));
      return frames;
    },
    failurePoint: (frames) => Math.max(2, Math.floor(frames.length / 2)),
    failure: () => [rawFrame(ANTHROPIC_STREAM_OVERLOADED)],
    body(reply) {
      const content = visibleBlocks(reply, request.thinking).map((b) => contentBlock(b, blockIds(rng)));
      return message(reply, content, stopReason(reply.finish));
    },
  };
}

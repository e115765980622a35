// Renders a reply as a Gemini Interactions stream or body, in the steps schema recorded in
// test/fixtures/gemini (basic, tool-call-step1/2): interaction.created, interaction.status_update,
// per step step.start / step.delta / step.stop, interaction.completed, then `data: [DONE]`.
// https://ai.google.dev/gemini-api/docs/interactions#streaming
import type { RenderContext, Renderer } from '../dialect.js';
import type { Finish, Reply, ReplyBlock } from '../reply.js';
import { estimateTokens } from '../reply.js';
import { ALPHABETS, type Rng } from '../rng.js';
import { rawFrame, sseFrame, type Frame } from '../sse.js';
import { GEMINI_STREAM_ERROR } from './errors.js';
import type { GeminiRequest } from './request.js';

const DONE = rawFrame('event: done\ndata: [DONE]\n\n');

function status(finish: Finish): string {
  switch (finish) {
    case 'tool_calls':
      return 'requires_action';
    case 'length':
      return 'incomplete';
    case 'stop':
    case 'refusal':
      return 'completed';
  }
}

/** RFC 3339 without fractional seconds, as recorded ("2026-05-15T18:51:57Z"). */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function usage(reply: Reply): Record<string, unknown> {
  const u = reply.usage;
  const output = u.outputTokens - u.reasoningTokens;
  return {
    total_tokens: u.inputTokens + u.outputTokens,
    total_input_tokens: u.inputTokens,
    input_tokens_by_modality: [{ modality: 'text', tokens: u.inputTokens }],
    total_cached_tokens: u.cachedTokens,
    total_output_tokens: output,
    total_tool_use_tokens: 0,
    total_thought_tokens: u.reasoningTokens,
  };
}

/** Text deltas arrive in sentence-sized pieces on this API; group word chunks by six. */
function groupChunks(chunks: readonly string[], size = 6): string[] {
  const out: string[] = [];
  for (let i = 0; i < chunks.length; i += size) out.push(chunks.slice(i, i + size).join(''));
  return out;
}

interface StepIds {
  callId: string;
  signature: string;
}

function stepIds(rng: Rng): StepIds {
  return { callId: rng.chars(ALPHABETS.LOWER_ALNUM, 8), signature: `Ci${rng.chars(ALPHABETS.BASE64, 250)}==` };
}

function parseArgs(args: string): unknown {
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return {};
  }
}

export function createGeminiRenderer(request: GeminiRequest, ctx: RenderContext): Renderer {
  const { rng } = ctx;
  const { ask } = request;
  const id = `v1_${rng.chars(ALPHABETS.BASE64URL, 70)}`;
  const event = (type: string, data: Record<string, unknown>, tokens = 0): Frame => sseFrame(type, { ...data, event_type: type }, tokens);

  function stepFrames(block: ReplyBlock, index: number, ids: StepIds): Frame[] {
    const delta = (d: Record<string, unknown>, tokens: number): Frame => event('step.delta', { index, delta: d }, tokens);
    const start = (step: Record<string, unknown>): Frame => event('step.start', { index, step });
    switch (block.kind) {
      case 'reasoning': {
        const frames = [start({ type: 'thought' })];
        if (request.summaries) frames.push(delta({ type: 'thought_summary', content: { type: 'text', text: block.text } }, 0));
        frames.push(delta({ signature: ids.signature, type: 'thought_signature' }, block.tokens));
        return [...frames, event('step.stop', { index })];
      }
      case 'text':
      case 'refusal':
        return [
          start({ type: 'model_output' }),
          ...groupChunks(block.chunks).map((text) => delta({ text, type: 'text' }, estimateTokens(text))),
          event('step.stop', { index }),
        ];
      case 'tool_call':
        return [
          start({ id: ids.callId, signature: '', type: 'function_call', name: block.name, arguments: {} }),
          delta({ arguments: block.arguments, type: 'arguments_delta' }, estimateTokens(block.arguments)),
          event('step.stop', { index }),
        ];
    }
  }

  function step(block: ReplyBlock, ids: StepIds): Record<string, unknown> {
    switch (block.kind) {
      case 'reasoning':
        return request.summaries
          ? { signature: ids.signature, summary: [{ type: 'text', text: block.text }], type: 'thought' }
          : { signature: ids.signature, type: 'thought' };
      case 'text':
      case 'refusal':
        return { content: [{ text: block.text, type: 'text' }], type: 'model_output' };
      case 'tool_call':
        return { id: ids.callId, type: 'function_call', name: block.name, arguments: parseArgs(block.arguments) };
    }
  }

  function interaction(reply: Reply, steps?: unknown[]): Record<string, unknown> {
    const at = timestamp(ctx.receivedAt);
    return {
      id,
      status: status(reply.finish),
      usage: usage(reply),
      created: at,
      updated: at,
      service_tier: ask.tier,
      ...(steps ? { steps } : {}),
      object: 'interaction',
      model: ask.model,
    };
  }

  return {
    preamble: () => [
      event('interaction.created', { interaction: { id, status: 'in_progress', object: 'interaction', model: ask.model } }),
      event('interaction.status_update', { interaction_id: id, status: 'in_progress' }),
    ],
    answer(reply) {
      const frames = reply.blocks.flatMap((b, i) => stepFrames(b, i, stepIds(rng)));
      frames.push(event('interaction.completed', { interaction: interaction(reply) }), DONE);
      return frames;
    },
    failurePoint: (frames) => Math.max(1, Math.floor(frames.length / 2)),
    failure: () => [sseFrame('error', GEMINI_STREAM_ERROR)],
    body: (reply) => interaction(reply, reply.blocks.map((b) => step(b, stepIds(rng)))),
  };
}

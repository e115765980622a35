// Renders a reply as a Gemini Interactions stream or body, in the steps schema recorded in
// test/fixtures/gemini (basic, tool-call-step1/2): interaction.created, interaction.status_update,
// per step step.start / step.delta / step.stop, interaction.completed, then `data: [DONE]`.
// https://ai.google.dev/gemini-api/docs/interactions#streaming
import type { RenderContext, Renderer } from '../dialect.js';
import type { Citation, Finish, Reply, ReplyBlock } from '../reply.js';
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
    case 'pause': // never drawn for Gemini (Ask.pausesTurns is Anthropic's)
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

/**
 * Grounding with Google Search as Interactions steps: the call with its queries, then the result
 * (Google's search suggestions widget). The sources come back as the answer's url_citation
 * annotations, with offsets in UTF-8 bytes.
 */
function searchSteps(block: ReplyBlock & { kind: 'search' }, ids: StepIds): [Record<string, unknown>, Record<string, unknown>] {
  return [
    { type: 'google_search_call', id: ids.callId, arguments: { queries: [block.query] }, search_type: 'web_search' },
    { type: 'google_search_result', call_id: ids.callId, result: [{ search_suggestions: `<div class="search-suggestions">${block.query}</div>` }] },
  ];
}

function citations(text: string, cites: readonly Citation[] | undefined): Record<string, unknown>[] {
  const bytes = (index: number): number => Buffer.byteLength(text.slice(0, index), 'utf8');
  return (cites ?? []).map((c) => ({ type: 'url_citation', url: c.url, title: c.title, start_index: bytes(c.start), end_index: bytes(c.end) }));
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
      case 'search':
        // Handled by searchFrames: a search is two steps.
        return [];
      // OpenAI's code interpreter; only the OpenAI request reader offers it (and `answer` skips it).
      case 'code':
        return [];
      case 'text':
      case 'refusal': {
        const annotations = block.kind === 'text' ? citations(block.text, block.citations) : [];
        return [
          start({ type: 'model_output' }),
          ...groupChunks(block.chunks).map((text) => delta({ text, type: 'text' }, estimateTokens(text))),
          ...(annotations.length > 0 ? [delta({ annotations, type: 'text_annotation_delta' }, 0)] : []),
          event('step.stop', { index }),
        ];
      }
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
      case 'search':
      case 'code':
        return {};
      case 'text':
      case 'refusal': {
        const annotations = block.kind === 'text' ? citations(block.text, block.citations) : [];
        return { content: [{ text: block.text, type: 'text', ...(annotations.length > 0 ? { annotations } : {}) }], type: 'model_output' };
      }
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
      let index = 0;
      const frames = reply.blocks.flatMap((b) => {
        const ids = stepIds(rng);
        if (b.kind === 'code') return [];
        if (b.kind !== 'search') return stepFrames(b, index++, ids);
        const [call, result] = searchSteps(b, ids);
        const at = index;
        index += 2;
        return [
          event('step.start', { index: at, step: call }), event('step.stop', { index: at }),
          event('step.start', { index: at + 1, step: result }), event('step.stop', { index: at + 1 }),
        ];
      });
      frames.push(event('interaction.completed', { interaction: interaction(reply) }), DONE);
      return frames;
    },
    failurePoint: (frames) => Math.max(1, Math.floor(frames.length / 2)),
    failure: () => [sseFrame('error', GEMINI_STREAM_ERROR)],
    body: (reply) => interaction(reply, reply.blocks.flatMap((b) => (b.kind === 'search' ? searchSteps(b, stepIds(rng)) : b.kind === 'code' ? [] : [step(b, stepIds(rng))]))),
  };
}

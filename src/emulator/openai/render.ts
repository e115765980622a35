// Renders a reply as an OpenAI Responses stream or body. Event order and fields follow the
// recorded streams in test/fixtures/openai-responses: response.created and response.in_progress
// (sequence_number from 0), then per item output_item.added … output_item.done, then
// response.completed / response.incomplete. https://platform.openai.com/docs/api-reference/responses-streaming
import type { HttpReply, RenderContext, Renderer } from '../dialect.js';
import type { Reply, ReplyBlock } from '../reply.js';
import { estimateTokens } from '../reply.js';
import { ALPHABETS, type Rng } from '../rng.js';
import { sseFrame, type Frame } from '../sse.js';
import { OPENAI_ERRORS, type OpenAIErrorFields } from './errors.js';
import type { OpenAIRequest } from './request.js';
import {
  annotations,
  finalItem,
  finalStatus,
  incompleteDetails,
  initialItem,
  itemPrefix,
  itemStatus,
  responseObject,
  usageObject,
  type ItemIds,
  type ResponseStatus,
} from './response.js';

interface StreamState {
  seq: number;
}

function hexId(prefix: string, rng: Rng): string {
  return `${prefix}_${rng.chars(ALPHABETS.HEX, 50)}`;
}

function itemIds(block: ReplyBlock, rng: Rng): ItemIds {
  return {
    itemId: hexId(itemPrefix(block), rng),
    callId: `call_${rng.chars(ALPHABETS.ALNUM, 24)}`,
    encryptedContent: `gAAAAAB${rng.chars(ALPHABETS.BASE64URL, 480)}=`,
    // Drawn only for code items, so the ids of every other answer stay as they were for a seed.
    containerId: block.kind === 'code' ? hexId('cntr', rng) : '',
  };
}

export function createOpenAIRenderer(request: OpenAIRequest, ctx: RenderContext): Renderer {
  const { rng } = ctx;
  const id = hexId('resp', rng);
  const createdAt = Math.floor(ctx.receivedAt / 1000);
  const state: StreamState = { seq: 0 };
  const opts = { includeEncrypted: request.includeEncrypted, includeCodeOutputs: request.includeCodeOutputs, summaryRequested: request.summaryRequested };

  const response = (status: ResponseStatus, extra: { output?: unknown[]; usage?: unknown; error?: unknown; incomplete?: unknown; billing?: boolean } = {}): Record<string, unknown> =>
    responseObject({
      id,
      model: request.ask.model,
      createdAt,
      status,
      echo: request.echo,
      serviceTier: status === 'in_progress' || status === 'failed' ? request.echo.requestedTier : request.ask.tier,
      output: extra.output ?? [],
      usage: extra.usage ?? null,
      error: extra.error ?? null,
      incompleteDetails: extra.incomplete ?? null,
      ...(extra.billing ? { billing: true } : {}),
    });

  const event = (type: string, fields: Record<string, unknown>, tokens = 0): Frame =>
    sseFrame(type, { type, sequence_number: state.seq++, ...fields }, tokens);

  const obfuscation = (delta: string): Record<string, string> =>
    request.obfuscate ? { obfuscation: rng.chars(ALPHABETS.ALNUM, Math.max(1, 16 - delta.length)) } : {};

  function blockFrames(block: ReplyBlock, index: number, ids: ItemIds, reply: Reply): Frame[] {
    const at = { item_id: ids.itemId, output_index: index };
    const done = finalItem(block, ids, itemStatus(reply, index), opts);
    const frames = [event('response.output_item.added', { output_index: index, item: initialItem(block, ids, opts) })];
    switch (block.kind) {
      case 'reasoning':
        if (opts.summaryRequested) frames.push(...summaryFrames(block, at));
        frames.push(event('response.output_item.done', { output_index: index, item: done }, block.tokens));
        return frames;
      case 'search':
        frames.push(event('response.web_search_call.in_progress', at), event('response.web_search_call.searching', at), event('response.web_search_call.completed', at));
        break;
      case 'code':
        frames.push(...codeFrames(block, index, ids.itemId));
        break;
      case 'text':
      case 'refusal':
        frames.push(...contentFrames(block, at));
        break;
      case 'tool_call':
        for (const delta of block.chunks) {
          frames.push(event('response.function_call_arguments.delta', { ...at, delta, ...obfuscation(delta) }, estimateTokens(delta)));
        }
        frames.push(event('response.function_call_arguments.done', { ...at, arguments: block.arguments }));
        break;
    }
    frames.push(event('response.output_item.done', { output_index: index, item: done }));
    return frames;
  }

  function summaryFrames(block: ReplyBlock & { kind: 'reasoning' }, at: Record<string, unknown>): Frame[] {
    const part = { ...at, summary_index: 0 };
    const frames = [event('response.reasoning_summary_part.added', { ...part, part: { type: 'summary_text', text: '' } })];
    for (const delta of block.chunks) {
      frames.push(event('response.reasoning_summary_text.delta', { ...part, delta, ...obfuscation(delta) }));
    }
    frames.push(event('response.reasoning_summary_text.done', { ...part, text: block.text }));
    frames.push(event('response.reasoning_summary_part.done', { ...part, part: { type: 'summary_text', text: block.text } }));
    return frames;
  }

  /** As in OpenAI's recorded code interpreter streams, whose events put `output_index` before `item_id`. */
  function codeFrames(block: ReplyBlock & { kind: 'code' }, index: number, itemId: string): Frame[] {
    const at = { output_index: index, item_id: itemId };
    return [
      event('response.code_interpreter_call.in_progress', at),
      ...block.chunks.map((delta) => event('response.code_interpreter_call_code.delta', { ...at, delta, ...obfuscation(delta) }, estimateTokens(delta))),
      event('response.code_interpreter_call_code.done', { ...at, code: block.code }),
      event('response.code_interpreter_call.interpreting', at),
      event('response.code_interpreter_call.completed', at),
    ];
  }

  function contentFrames(block: ReplyBlock & { kind: 'text' | 'refusal' }, at: Record<string, unknown>): Frame[] {
    const part = { ...at, content_index: 0 };
    if (block.kind === 'refusal') {
      const frames = [event('response.content_part.added', { ...part, part: { type: 'refusal', refusal: '' } })];
      for (const delta of block.chunks) frames.push(event('response.refusal.delta', { ...part, delta }, estimateTokens(delta)));
      frames.push(event('response.refusal.done', { ...part, refusal: block.text }));
      frames.push(event('response.content_part.done', { ...part, part: { type: 'refusal', refusal: block.text } }));
      return frames;
    }
    const frames = [event('response.content_part.added', { ...part, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } })];
    for (const delta of block.chunks) {
      frames.push(event('response.output_text.delta', { ...part, delta, logprobs: [], ...obfuscation(delta) }, estimateTokens(delta)));
    }
    const cited = annotations(block);
    cited.forEach((annotation, annotationIndex) => {
      frames.push(event('response.output_text.annotation.added', { ...part, annotation_index: annotationIndex, annotation }));
    });
    frames.push(event('response.output_text.done', { ...part, text: block.text, logprobs: [] }));
    frames.push(event('response.content_part.done', { ...part, part: { type: 'output_text', annotations: cited, logprobs: [], text: block.text } }));
    return frames;
  }

  function finalOutput(reply: Reply, ids: ItemIds[]): unknown[] {
    return reply.blocks.map((b, i) => finalItem(b, ids[i] ?? itemIds(b, rng), itemStatus(reply, i), opts));
  }

  function failureFrames(rejection: HttpReply | undefined): Frame[] {
    const fields = errorFields(rejection ?? OPENAI_ERRORS.serverError());
    return [
      event('error', { error: { type: fields.type, code: fields.code ?? fields.type, message: fields.message, param: fields.param } }),
      event('response.failed', { response: response('failed', { error: { code: fields.code ?? fields.type, message: fields.message } }) }),
    ];
  }

  return {
    preamble: () => [
      event('response.created', { response: response('in_progress') }),
      event('response.in_progress', { response: response('in_progress') }),
    ],
    answer(reply) {
      const ids = reply.blocks.map((b) => itemIds(b, rng));
      const frames = reply.blocks.flatMap((b, i) => blockFrames(b, i, ids[i] ?? itemIds(b, rng), reply));
      const status = finalStatus(reply.finish);
      const final = response(status, { output: finalOutput(reply, ids), usage: usageObject(reply.usage), incomplete: incompleteDetails(reply.finish) });
      frames.push(event(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final }));
      return frames;
    },
    failurePoint: (frames) => Math.max(2, Math.floor(frames.length / 2)),
    failure: failureFrames,
    body(reply) {
      const ids = reply.blocks.map((b) => itemIds(b, rng));
      const status = finalStatus(reply.finish);
      return response(status, { output: finalOutput(reply, ids), usage: usageObject(reply.usage), incomplete: incompleteDetails(reply.finish), billing: true });
    },
  };
}

function errorFields(reply: HttpReply): OpenAIErrorFields {
  const body = reply.body as { error: OpenAIErrorFields };
  return body.error;
}

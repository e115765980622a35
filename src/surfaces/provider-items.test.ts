// Provider items on the four surfaces: Responses decodes OpenAI's hosted tool items and shows them
// exactly as OpenAI sent them (events included, at their place in the stream); Chat, Messages and
// Interactions have no counterpart and leave them out without disturbing the rest of the answer.
import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, CanonicalStreamEvent, ProviderItem } from '../canonical/types.js';
import type { FlexError } from '../errors/catalog.js';
import { chatSurface } from './chat/index.js';
import { interactionsSurface } from './interactions/index.js';
import { messagesSurface } from './messages/index.js';
import { responsesSurface } from './responses/index.js';
import type { DecodedRequest } from './surface.js';

const ctx = { servedTier: 'standard' as const, requestId: 'req_1' };

const added = { id: 'ci_1', type: 'code_interpreter_call', status: 'in_progress', code: '', container_id: 'cntr_1', outputs: null };
const done = { ...added, status: 'completed', code: 'print(2)\n' };
const call = (raw: Record<string, unknown>): ProviderItem => ({ type: 'provider_item', id: 'ci_1', provider: 'openai', itemType: 'code_interpreter_call', raw });

const response: CanonicalResponse = {
  id: 'resp_1',
  model: 'gpt-5-mini',
  createdAt: 1,
  status: 'completed',
  finishReason: { type: 'stop' },
  output: [
    call(done),
    { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'It is 2.' }] },
  ],
  usage: { inputTokens: 5, cachedTokens: 0, outputTokens: 9, reasoningTokens: 0 },
  servedTier: 'standard',
  provider: 'openai',
};

const events: CanonicalStreamEvent[] = [
  { type: 'admitted' },
  { type: 'response.created', id: 'resp_1', model: 'gpt-5-mini', createdAt: 1 },
  { type: 'item.added', outputIndex: 0, item: call(added) },
  { type: 'provider_item.event', outputIndex: 0, provider: 'openai', raw: { type: 'response.code_interpreter_call.in_progress', sequence_number: 4, output_index: 3, item_id: 'ci_1' } },
  { type: 'provider_item.event', outputIndex: 0, provider: 'openai', raw: { type: 'response.code_interpreter_call_code.delta', sequence_number: 5, output_index: 3, item_id: 'ci_1', delta: 'print(2)\n', obfuscation: 'xyz' } },
  { type: 'item.done', outputIndex: 0, item: call(done) },
  { type: 'item.added', outputIndex: 1, item: { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] } },
  { type: 'content_part.added', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: '' } },
  { type: 'text.delta', outputIndex: 1, contentIndex: 0, delta: 'It is 2.' },
  { type: 'content_part.done', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: 'It is 2.' } },
  { type: 'item.done', outputIndex: 1, item: response.output[1]! },
  { type: 'response.completed', response },
];

function stream(decoded: DecodedRequest): string {
  const encoder = decoded.createStreamEncoder(ctx);
  return events.map((e) => encoder.event(e)).join('') + encoder.end();
}

/** Responses SSE frames as parsed `data` objects. */
function frames(text: string): Record<string, unknown>[] {
  return text
    .split('\n\n')
    .filter((f) => f.startsWith('event: '))
    .map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as Record<string, unknown>);
}

const responses = (extra: Record<string, unknown> = {}): DecodedRequest =>
  responsesSurface.decode({ model: 'gpt-5-mini', start_within: 'default', input: 'What is 1+1?', ...extra });

describe('Responses: provider items in answers', () => {
  it('a non-streamed answer lists the item as OpenAI sent it, before the message', () => {
    const body = responses().encodeResponse(response, ctx) as { output: Record<string, unknown>[] };
    expect(body.output[0]).toEqual(done);
    expect(body.output[1]).toMatchObject({ id: 'msg_1', type: 'message' });
  });

  it('a stream carries the item and its own events in place, renumbered, without padding', () => {
    const out = frames(stream(responses({ stream: true })));
    expect(out.map((f) => f.type)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.code_interpreter_call.in_progress', 'response.code_interpreter_call_code.delta', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    expect(out.map((f) => f.sequence_number)).toEqual(out.map((_, i) => i));
    expect(out[2]).toEqual({ type: 'response.output_item.added', sequence_number: 2, output_index: 0, item: added });
    expect(out[4]).toEqual({ type: 'response.code_interpreter_call_code.delta', sequence_number: 4, output_index: 0, item_id: 'ci_1', delta: 'print(2)\n' });
    expect(out[5]).toEqual({ type: 'response.output_item.done', sequence_number: 5, output_index: 0, item: done });
    expect((out[12]?.response as { output: unknown[] }).output[0]).toEqual(done);
  });
});

describe('Responses: provider items as input', () => {
  it('decodes OpenAI\'s hosted tool items verbatim, with their ids', () => {
    const approval = { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true };
    const { request } = responses({ input: [{ role: 'user', content: 'Run it' }, done, approval] });
    expect(request.input[1]).toEqual(call(done));
    expect(request.input[2]).toEqual({ type: 'provider_item', id: '', provider: 'openai', itemType: 'mcp_approval_response', raw: approval });
  });

  it('still refuses item types nobody has, and a malformed id', () => {
    const refusal = (input: unknown[]): FlexError => {
      try {
        responses({ input });
      } catch (err) {
        return err as FlexError;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal([{ type: 'teleport_call', id: 'tp_1' }])).toMatchObject({ code: 'unsupported_parameter', param: 'input[0].type' });
    expect(refusal([{ ...done, id: 7 }])).toMatchObject({ code: 'invalid_parameter', param: 'input[0].id' });
  });

  it('hosted tools are forwarded to OpenAI and refusable elsewhere', () => {
    const tool = { type: 'code_interpreter', container: { type: 'auto' } };
    const { request } = responses({ tools: [tool] });
    expect(request.native?.tools).toEqual([tool]);
    expect(request.native?.refusable.map((r) => r.param)).toEqual(['tools[0].type']);
  });
});

describe('other surfaces leave provider items out', () => {
  it('Chat: the answer is the message alone, streamed and not', () => {
    const decoded = chatSurface.decode({ model: 'gpt-5-mini', start_within: 'default', messages: [{ role: 'user', content: 'What is 1+1?' }] });
    const body = decoded.encodeResponse(response, ctx) as { choices: { message: Record<string, unknown>; finish_reason: string }[] };
    expect(body.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'It is 2.' });
    expect(body.choices[0]?.finish_reason).toBe('stop');
    const streamed = stream(chatSurface.decode({ model: 'gpt-5-mini', start_within: 'default', stream: true, messages: [{ role: 'user', content: 'What is 1+1?' }] }));
    expect(streamed).not.toContain('ci_1');
    expect(streamed).toContain('It is 2.');
  });

  it('Messages: one text block, streamed at block index 0', () => {
    const body = { model: 'gpt-5-mini', start_within: 'default', max_tokens: 100, messages: [{ role: 'user', content: 'What is 1+1?' }] };
    const answer = messagesSurface.decode(body).encodeResponse(response, ctx) as { content: unknown[]; stop_reason: string };
    expect(answer.content).toEqual([{ type: 'text', text: 'It is 2.' }]);
    expect(answer.stop_reason).toBe('end_turn');
    const streamed = stream(messagesSurface.decode({ ...body, stream: true }));
    expect(streamed).not.toContain('ci_1');
    expect(streamed).toContain('"content_block_start","index":0,"content_block":{"type":"text"');
  });

  it('Interactions: one model_output step, streamed as step 0', () => {
    const body = { model: 'gpt-5-mini', start_within: 'default', input: 'What is 1+1?' };
    const answer = interactionsSurface.decode(body).encodeResponse(response, ctx) as { steps: { type: string }[] };
    expect(answer.steps.map((s) => s.type)).toEqual(['model_output']);
    const streamed = stream(interactionsSurface.decode({ ...body, stream: true }));
    expect(streamed).not.toContain('ci_1');
    expect(streamed).toContain('"index":0,"step":{"type":"model_output"}');
  });
});

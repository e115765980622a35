// Provider items: OpenAI's hosted tool calls come back as provider items with their own events
// carried verbatim, go back to OpenAI as they were, and are dropped with a warning elsewhere.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, CanonicalStreamEvent, ProviderItem } from '../canonical/types.js';
import { convertAnthropicRequest as toAnthropic } from './anthropic/convert-request.js';
import { convertGeminiRequest as toGemini } from './gemini/convert-request.js';
import { convertOpenAIRequest as toOpenAI } from './openai/convert-request.js';
import { createOpenAIStreamParser } from './openai/parse-stream.js';

// Shapes as in OpenAI's recorded code interpreter stream (ResponseCodeInterpreterToolCall).
const added = { id: 'ci_1', type: 'code_interpreter_call', status: 'in_progress', code: '', container_id: 'cntr_1', outputs: [] };
const done = { ...added, status: 'completed', code: 'print(2)\n', outputs: [{ type: 'logs', logs: '2' }] };
const message = { id: 'msg_1', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'It is 2.' }], role: 'assistant' };

const upstream: Record<string, unknown>[] = [
  { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', model: 'gpt-5-mini' } },
  { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
  { type: 'response.output_item.done', sequence_number: 2, output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
  { type: 'response.output_item.added', sequence_number: 3, output_index: 1, item: added },
  { type: 'response.code_interpreter_call.in_progress', sequence_number: 4, output_index: 1, item_id: 'ci_1' },
  { type: 'response.code_interpreter_call_code.delta', sequence_number: 5, output_index: 1, item_id: 'ci_1', delta: 'print(2)\n', obfuscation: 'abc' },
  { type: 'response.code_interpreter_call_code.done', sequence_number: 6, output_index: 1, item_id: 'ci_1', code: 'print(2)\n' },
  { type: 'keepalive', sequence_number: 7 },
  { type: 'response.code_interpreter_call.interpreting', sequence_number: 8, output_index: 1, item_id: 'ci_1' },
  { type: 'response.code_interpreter_call.completed', sequence_number: 9, output_index: 1, item_id: 'ci_1' },
  { type: 'response.output_item.done', sequence_number: 10, output_index: 1, item: done },
  { type: 'response.output_item.added', sequence_number: 11, output_index: 2, item: { ...message, status: 'in_progress', content: [] } },
  { type: 'response.some_future_event', sequence_number: 12, output_index: 2, item_id: 'msg_1' },
  { type: 'response.output_item.done', sequence_number: 13, output_index: 2, item: message },
  { type: 'response.completed', sequence_number: 14, response: { id: 'resp_1', model: 'gpt-5-mini', status: 'completed', output: [{ id: 'rs_1', type: 'reasoning', summary: [] }, done, message], usage: { input_tokens: 5, output_tokens: 9 } } },
];

function parse(events: Record<string, unknown>[]): CanonicalStreamEvent[] {
  const parser = createOpenAIStreamParser();
  return events.flatMap((e) => parser.push(e));
}

describe('OpenAI hosted tool items → provider items', () => {
  const events = parse(upstream);

  it('announces and finishes the item verbatim at its place in the output', () => {
    const item = (raw: Record<string, unknown>): ProviderItem => ({ type: 'provider_item', id: 'ci_1', provider: 'openai', itemType: 'code_interpreter_call', raw });
    expect(events.filter((e) => e.type === 'item.added').map((e) => [e.outputIndex, e.item.type])).toEqual([[0, 'reasoning'], [1, 'provider_item'], [2, 'message']]);
    expect(events).toContainEqual({ type: 'item.added', outputIndex: 1, item: item(added) });
    expect(events).toContainEqual({ type: 'item.done', outputIndex: 1, item: item(done) });
  });

  it('carries the item\'s own events, in order, and nothing for other items\' unknown events', () => {
    const carried = events.flatMap((e) => (e.type === 'provider_item.event' ? [e] : []));
    expect(carried.map((e) => e.raw.type)).toEqual([
      'response.code_interpreter_call.in_progress',
      'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.done',
      'response.code_interpreter_call.interpreting',
      'response.code_interpreter_call.completed',
    ]);
    expect(carried.every((e) => e.outputIndex === 1 && e.provider === 'openai')).toBe(true);
    expect(carried[1]?.raw).toBe(upstream[5]);
    const types = events.map((e) => e.type);
    expect(types.indexOf('provider_item.event')).toBeGreaterThan(types.indexOf('item.added'));
  });

  it('keeps the item in the final output (what a non-streamed caller gets)', () => {
    const last = events.at(-1);
    if (last?.type !== 'response.completed') throw new Error('no final response');
    expect(last.response.output.map((i) => i.type)).toEqual(['reasoning', 'provider_item', 'message']);
    expect(last.response.output[1]).toEqual({ type: 'provider_item', id: 'ci_1', provider: 'openai', itemType: 'code_interpreter_call', raw: done });
  });

  it('maps any item kind OpenAI adds later the same way, and skips a malformed one', () => {
    const mcp = { id: 'mcpr_1', type: 'mcp_approval_request', arguments: '{}', name: 'roll', server_label: 'dice' };
    const later = parse([
      { type: 'response.output_item.done', output_index: 0, item: mcp },
      { type: 'response.output_item.done', output_index: 1, item: { id: 'x_1' } },
      { type: 'response.completed', response: { id: 'resp_2', status: 'completed', output: [mcp, { id: 'x_1' }] } },
    ]);
    const last = later.at(-1);
    expect(last?.type === 'response.completed' && last.response.output).toEqual([{ type: 'provider_item', id: 'mcpr_1', provider: 'openai', itemType: 'mcp_approval_request', raw: mcp }]);
  });
});

describe('replaying provider items', () => {
  const item: ProviderItem = { type: 'provider_item', id: 'ci_1', provider: 'openai', itemType: 'code_interpreter_call', raw: done };
  const request = (model: string): CanonicalRequest => ({
    model,
    maxOutputTokens: 500,
    input: [
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'What is 1+1?' }] },
      item,
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'It is 2.' }] },
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'And doubled?' }] },
    ],
  });

  it('OpenAI gets the item exactly as it sent it, without a warning', () => {
    const { body, warnings } = toOpenAI({ request: request('gpt-5-mini'), tier: 'standard' });
    expect(body.input[1]).toBe(done);
    expect(body.input).toHaveLength(4);
    expect(warnings).toEqual([]);
  });

  it('Anthropic and Gemini leave it out with provider_item_dropped naming the item', () => {
    for (const { body, warnings } of [toAnthropic({ request: request('claude-haiku-4-5'), tier: 'standard' }), toGemini({ request: request('gemini-2.5-flash'), tier: 'standard' })]) {
      expect(JSON.stringify(body)).not.toContain('ci_1');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: 'provider_item_dropped', field: 'input[1]' });
      expect(warnings[0]?.message).toContain('OpenAI code_interpreter_call item ci_1');
    }
  });

  it('an OpenAI item never reaches OpenAI when another provider made it', () => {
    const foreign: ProviderItem = { ...item, provider: 'anthropic' };
    const { body, warnings } = toOpenAI({ request: { ...request('gpt-5-mini'), input: [foreign] }, tier: 'standard' });
    expect(body.input).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['provider_item_dropped']);
  });
});

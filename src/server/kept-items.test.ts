import { beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRequest, OutputItem } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';
import { openSqliteStore } from '../store/sqlite.js';
import { KEEP_OUTPUT_MS, keepOutputItems, resolveItemReferences } from './kept-items.js';

const output: OutputItem[] = [
  { type: 'reasoning', id: 'rs_1', summary: ['s'], opaque: { provider: 'openai', data: 'gAAAA' } },
  { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi' }], phase: 'final_answer' },
  { type: 'function_call', id: 'fc_1', callId: 'call_1', name: 'f', arguments: '{}' },
  { type: 'provider_item', id: 'ci_1', provider: 'openai', itemType: 'code_interpreter_call', raw: { id: 'ci_1', type: 'code_interpreter_call', status: 'completed', code: 'print(2)', container_id: 'cntr_1', outputs: null } },
];

function request(...ids: string[]): CanonicalRequest {
  return {
    model: 'gemini-2.5-flash',
    input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'q' }] }, ...ids.map((id) => ({ type: 'item_reference' as const, id }))],
  };
}

describe('kept output items', () => {
  const store = openSqliteStore(':memory:');
  const now = 1_000_000;
  beforeAll(async () => {
    await keepOutputItems(store, 'org_a', output, now);
  });

  it('replaces references with the kept items, assistant text as input text', async () => {
    const req = request('rs_1', 'msg_1', 'fc_1');
    const warnings = await resolveItemReferences({ store, orgId: 'org_a', request: req, provider: 'anthropic', now: now + 1 });
    expect(req.input.slice(1)).toEqual([
      output[0],
      { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'text', text: 'Hi' }], phase: 'final_answer' },
      output[2],
    ]);
    expect(warnings).toEqual([]);
  });

  it('resolves a kept hosted tool call to the item as OpenAI sent it, whichever provider receives it', async () => {
    for (const provider of ['openai', 'anthropic'] as const) {
      const req = request('ci_1');
      const warnings = await resolveItemReferences({ store, orgId: 'org_a', request: req, provider, now: now + 1 });
      expect(req.input[1]).toEqual(output[3]);
      expect(warnings).toEqual([]);
    }
  });

  it('keeps items per organization and for a bounded time', async () => {
    const other = request('msg_1');
    await expect(resolveItemReferences({ store, orgId: 'org_b', request: other, provider: 'gemini', now })).rejects.toThrow(FlexError);
    const late = request('rs_1');
    const warnings = await resolveItemReferences({ store, orgId: 'org_a', request: late, provider: 'openai', now: now + KEEP_OUTPUT_MS });
    expect(late.input).toHaveLength(1);
    expect(warnings).toEqual([
      { code: 'reasoning_item_dropped', field: 'input[1]', message: 'The reasoning item rs_1 is not kept (or has expired) and was dropped.' },
    ]);
  });

  it('passes an unknown non-reasoning reference to OpenAI only', async () => {
    const toOpenAI = request('msg_elsewhere');
    await resolveItemReferences({ store, orgId: 'org_a', request: toOpenAI, provider: 'openai', now });
    expect(toOpenAI.input[1]).toEqual({ type: 'item_reference', id: 'msg_elsewhere' });
    let thrown: unknown;
    try {
      await resolveItemReferences({ store, orgId: 'org_a', request: request('msg_elsewhere'), provider: 'gemini', now });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'invalid_parameter', param: 'input[1]' });
  });
});

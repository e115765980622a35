// No silent changes (docs/product.md §7), through the real gateway and the emulator: a request
// changed to fit its provider is answered with `x-flexinference-warnings` (`code:field` entries,
// `;`-separated), and the same warnings, with their sentences, are in its ledger row, the admin
// usage rows and the CSV export. Only the attempt that served reports them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { EmulatorRequestLog } from '../../src/emulator/types.js';
import type { UsageRow } from '../../src/store/store.js';
import type { Harness } from './harness.js';
import { learnStandardFinish, post, startHarness } from './harness.js';

const ADMIN = 'flex_admin_test_token_warnings_0123';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { FLEX_ADMIN_TOKEN: ADMIN } });
  await learnStandardFinish(h, 'gpt-5-mini');
});
afterAll(async () => {
  await h.close();
});

type Answer = Awaited<ReturnType<typeof post>>;

const send = (path: string, body: Record<string, unknown>): Promise<Answer> =>
  post(`${h.url}${path}`, JSON.stringify(body), { authorization: `Bearer ${h.key}` });

const warningsHeader = (res: Answer): string | null => res.headers.get('x-flexinference-warnings');

async function rowOf(res: Answer): Promise<UsageRow> {
  await h.gateway.deps.ledger.flush();
  const id = res.headers.get('x-request-id');
  const row = (await h.gateway.deps.store.queryUsage({})).find((r) => r.requestId === id);
  if (!row) throw new Error(`no ledger row for ${id}`);
  return row;
}

/** The upstream requests whose body contains `marker` (each test's prompt has its own). */
function upstreamWith(marker: string): EmulatorRequestLog[] {
  return h.emulator.requests.filter((r) => JSON.stringify(r.body).includes(marker));
}

const upstreamBody = (marker: string): Record<string, unknown> => {
  const found = upstreamWith(marker);
  expect(found).toHaveLength(1);
  return found[0]!.body as Record<string, unknown>;
};

describe('x-flexinference-warnings and the ledger row', () => {
  it('a sampling field dropped for a reasoning model', async () => {
    const res = await send('/v1/responses', { model: 'gpt-5-mini', input: 'sampling one', temperature: 0.5, start_within: 'default' });
    expect(res.status, res.text).toBe(200);
    expect(warningsHeader(res)).toBe('sampling_dropped:temperature');
    expect(upstreamBody('sampling one').temperature).toBeUndefined();
    expect((await rowOf(res)).warnings).toEqual([
      { code: 'sampling_dropped', field: 'temperature', message: 'gpt-5-mini supports only the default temperature; temperature was not sent.' },
    ]);
  });

  it('the same on a stream: the header comes with the stream’s headers', async () => {
    const res = await send('/v1/chat/completions', {
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'sampling streamed' }],
      temperature: 0.2,
      top_p: 0.5,
      stream: true,
      start_within: 'default',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(warningsHeader(res)).toBe('sampling_dropped:temperature;sampling_dropped:top_p');
    expect((await rowOf(res)).warnings.map((w) => `${w.code}:${w.field}`)).toEqual(['sampling_dropped:temperature', 'sampling_dropped:top_p']);
  });

  it('thinking disabled on Anthropic when the output limit leaves no room for its minimum budget', async () => {
    const res = await send('/v1/messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 1000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'thinking off' }],
      start_within: 'default',
    });
    expect(res.status, res.text).toBe(200);
    expect(warningsHeader(res)).toBe('thinking_disabled:reasoning');
    expect(upstreamBody('thinking off').thinking).toBeUndefined();
    const [warning] = (await rowOf(res)).warnings;
    expect(warning).toMatchObject({ code: 'thinking_disabled', field: 'reasoning' });
    expect(warning?.message).toContain("Anthropic's minimum thinking budget of 1024 tokens");
  });

  it('a thinking budget changed on Anthropic, and the sampling it then refuses, in one header', async () => {
    const res = await send('/v1/messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 4000 },
      temperature: 0.5,
      messages: [{ role: 'user', content: 'budget clamped' }],
      start_within: 'default',
    });
    expect(res.status, res.text).toBe(200);
    expect(warningsHeader(res)).toBe('thinking_budget_changed:reasoning.budget_tokens;sampling_dropped:temperature');
    const sent = upstreamBody('budget clamped');
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 1999 });
    expect(sent.temperature).toBeUndefined();
    expect((await rowOf(res)).warnings.map((w) => w.code)).toEqual(['thinking_budget_changed', 'sampling_dropped']);
  });

  it('an output limit raised to the provider’s minimum', async () => {
    const res = await send('/v1/responses', { model: 'gpt-5-mini', input: 'tiny limit', max_output_tokens: 5, start_within: 'default' });
    expect(res.status, res.text).toBe(200);
    expect(warningsHeader(res)).toBe('output_limit_raised:max_output_tokens');
    expect(upstreamBody('tiny limit').max_output_tokens).toBe(16);
    expect((await rowOf(res)).warnings).toEqual([expect.objectContaining({ code: 'output_limit_raised', field: 'max_output_tokens' })]);
  });

  it('a decoding warning names the field in the caller’s own body', async () => {
    const res = await send('/v1/interactions', {
      model: 'gemini-2.5-flash',
      input: [
        { type: 'user_input', content: [{ type: 'text', text: 'decoded' }] },
        { type: 'model_output', content: [{ type: 'text', text: 'cited', annotations: [{ type: 'url_citation' }] }] },
        { type: 'user_input', content: [{ type: 'text', text: 'and then?' }] },
      ],
      start_within: 'default',
    });
    expect(res.status, res.text).toBe(200);
    expect(warningsHeader(res)).toBe('translated:input[1].content[0].annotations');
  });

  it('no header and no warnings when nothing was changed', async () => {
    const res = await send('/v1/responses', { model: 'gpt-5-mini', input: 'untouched', start_within: 'default' });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.has('x-flexinference-warnings')).toBe(false);
    expect((await rowOf(res)).warnings).toEqual([]);
  });
});

describe('a flex race that falls back to standard', () => {
  it.each([false, true])('reports the warnings once, from the standard attempt that served (stream: %s)', async (stream) => {
    const marker = `fallback ${stream ? 'streamed' : 'json'}`;
    const res = await send('/v1/responses', {
      model: 'gpt-5-mini',
      input: `${marker} [emulate:flex_error=500]`,
      temperature: 0.5,
      stream,
      start_within: '00h-00m-05s',
    });
    expect(res.status, res.text).toBe(200);
    // Both attempts converted the request, and both dropped the temperature.
    const attempts = upstreamWith(marker);
    expect(attempts.map((a) => a.tier)).toEqual(['flex', 'default']);
    expect(attempts.every((a) => (a.body as Record<string, unknown>).temperature === undefined)).toBe(true);
    expect(res.headers.get('x-flexinference-route')).toBe('flex_error');
    expect(res.headers.get('x-flexinference-tier')).toBe('standard');
    expect(warningsHeader(res)).toBe('sampling_dropped:temperature');
    const row = await rowOf(res);
    expect(row).toMatchObject({ route: 'flex_error', servedTier: 'standard' });
    expect(row.warnings).toEqual([expect.objectContaining({ code: 'sampling_dropped', field: 'temperature' })]);
  });
});

describe('the admin usage rows and the CSV export', () => {
  const admin = (path: string): Promise<Response> => fetch(`${h.url}/admin/v1/${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });

  it('show the warnings: as objects in the rows (as the OpenAPI document says), as the header writes them in the CSV', async () => {
    const res = await send('/v1/responses', { model: 'gpt-5-mini', input: 'admin view', temperature: 0.5, max_output_tokens: 8, start_within: 'default' });
    expect(warningsHeader(res)).toBe('output_limit_raised:max_output_tokens;sampling_dropped:temperature');
    const id = res.headers.get('x-request-id');
    await h.gateway.deps.ledger.flush();

    const page = (await (await admin('usage/requests?limit=500')).json()) as { data: { request_id: string; warnings: unknown }[] };
    const row = page.data.find((r) => r.request_id === id);
    expect(row?.warnings).toEqual([
      expect.objectContaining({ code: 'output_limit_raised', field: 'max_output_tokens' }),
      expect.objectContaining({ code: 'sampling_dropped', field: 'temperature' }),
    ]);
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ ...doc, $id: 'flexinference.json' });
    const valid = ajv.validate({ $ref: 'flexinference.json#/components/schemas/UsageRequest' }, row);
    expect(valid, ajv.errorsText()).toBe(true);

    const csv = await (await admin('usage/requests.csv')).text();
    const [header, ...lines] = csv.trim().split('\n');
    const columns = header!.split(',');
    expect(columns.at(-1)).toBe('warnings');
    const cells = lines.find((l) => l.startsWith(`${id},`))?.split(',');
    expect(cells).toHaveLength(columns.length);
    expect(cells?.at(-1)).toBe('output_limit_raised:max_output_tokens;sampling_dropped:temperature');
  });
});

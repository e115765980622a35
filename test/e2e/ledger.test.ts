// The usage ledger through the real server: one exact row per request, whatever its fate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { costUsd } from '../../src/usage/ledger.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { UsageRow } from '../../src/store/store.js';
import type { Harness } from './harness.js';
import { learnStandardFinish, post, startHarness } from './harness.js';

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  // No probe share: a probe admitted after the refusals below would (rightly) resume racing.
  h = await startHarness({ gateway: { random: () => 0.99 } });
  await learnStandardFinish(h, 'gpt-5-mini');
  client = new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
});

const rows = async (): Promise<UsageRow[]> => {
  await h.gateway.deps.ledger.flush();
  return h.gateway.deps.store.queryUsage({});
};
const rowFor = async (requestId: string | null): Promise<UsageRow> => {
  const row = (await rows()).find((r) => r.requestId === requestId);
  if (!row) throw new Error(`no ledger row for ${requestId}`);
  return row;
};
const send = (input: string, startWithin: string) =>
  client.responses
    .create({ model: 'gpt-5-mini', input, start_within: startWithin } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
    .withResponse();

function expectCosts(row: UsageRow, tier: 'flex' | 'standard'): void {
  const usage = { inputTokens: row.inputTokens, cachedTokens: row.cachedTokens, outputTokens: row.outputTokens, reasoningTokens: row.reasoningTokens };
  const catalog = h.gateway.deps.catalog;
  expect(row.costUsd).toBeCloseTo(costUsd(catalog, 'gpt-5-mini', tier, usage), 12);
  expect(row.standardCostUsd).toBeCloseTo(costUsd(catalog, 'gpt-5-mini', 'standard', usage), 12);
  expect(row.savingUsd).toBeCloseTo(row.standardCostUsd - row.costUsd, 12);
  expect(row.standardCostUsd).toBeGreaterThan(0);
}

describe('usage ledger', () => {
  it('flex-served request: tokens as reported, flex cost, half-price saving', async () => {
    const { data, response } = await send('hello there', '00h-00m-30s');
    const row = await rowFor(response.headers.get('x-request-id'));
    expect(row).toMatchObject({
      surface: 'responses', provider: 'openai', model: 'gpt-5-mini', startWithin: '00h-00m-30s',
      servedTier: 'flex', route: 'flex_admitted', status: 'completed', errorCode: null,
      inputTokens: data.usage!.input_tokens, outputTokens: data.usage!.output_tokens,
      cachedTokens: data.usage!.input_tokens_details.cached_tokens, reasoningTokens: data.usage!.output_tokens_details.reasoning_tokens,
    });
    expect(row.orgId).toBe((await h.gateway.deps.store.findOrganization('e2e'))!.id);
    expect(row.admissionMs).toBeGreaterThanOrEqual(0);
    expect(row.firstByteMs).toBeGreaterThanOrEqual(row.admissionMs!);
    expect(row.durationMs).toBeGreaterThanOrEqual(row.firstByteMs!);
    expectCosts(row, 'flex');
    expect(row.savingUsd).toBeCloseTo(row.standardCostUsd / 2, 12);
  });

  it('fallback after a flex refusal: standard cost, no saving', async () => {
    // Refusals are retried inside the flex budget (2 s of this 5 s window), then standard runs.
    const { response } = await send('busy [emulate:flex_refuse]', '00h-00m-05s');
    const row = await rowFor(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ servedTier: 'standard', route: 'flex_unavailable', status: 'completed' });
    // The standard attempt's own admission is timed (it feeds the learned reserve).
    expect(row.admissionMs).toBeGreaterThanOrEqual(0);
    expect(row.firstByteMs).not.toBeNull();
    expectCosts(row, 'standard');
    expect(row.savingUsd).toBe(0);
  });

  it('skipped flex (predicted miss) is recorded with its route', async () => {
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    // Every recent attempt refused (a ring's worth): even with retries, no chance of admission.
    for (let i = 0; i < 200; i++) h.gateway.deps.stats.recordFlex(key, { kind: 'refused' });
    const { response } = await send('hello', '00h-00m-30s');
    const route = response.headers.get('x-flexinference-route');
    const id = response.headers.get('x-request-id');
    expect(route).toBe('flex_skipped_predicted_miss');
    expect(await rowFor(id)).toMatchObject({ servedTier: 'standard', route: 'flex_skipped_predicted_miss', status: 'completed' });
    for (let i = 0; i < 200; i++) h.gateway.deps.stats.recordFlex(key, { kind: 'admitted', afterMs: 700 });
  });

  it('failed request: status failed with the error code, zero cost', async () => {
    const res = await post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: '[emulate:error=500]', start_within: 'default' }), { authorization: `Bearer ${h.key}` });
    expect(res.status).toBe(500);
    const row = await rowFor(res.headers.get('x-request-id'));
    expect(row).toMatchObject({ status: 'failed', errorCode: 'upstream_error', route: 'direct', costUsd: 0, inputTokens: 0 });
  });

  it('disconnected request: closed as disconnected', async () => {
    const controller = new AbortController();
    const pending = client.responses.create(
      { model: 'gpt-5-mini', input: 'slow [emulate:delay=5000]', start_within: 'default' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming,
      { signal: controller.signal },
    );
    const before = (await rows()).length;
    await expect.poll(async () => (await rows()).length).toBeGreaterThan(before);
    const open = (await rows()).at(-1)!;
    expect(open.status).toBe('in_progress');
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(async () => (await rowFor(open.requestId)).status).toBe('disconnected');
    expect((await rowFor(open.requestId)).errorCode).toBe('client_disconnected');
  });

  it('rows survive a restart; a row left open by a crash is closed as interrupted', async () => {
    const path = h.gateway.deps.config.dbPath;
    const before = (await rows()).length;
    await h.gateway.deps.store.upsertUsage([{ ...(await rows())[0]!, requestId: 'req_crashed', status: 'in_progress' }]);
    const reopened = openSqliteStore(path);
    try {
      expect((await reopened.queryUsage({})).length).toBe(before + 1);
      expect(await reopened.closeInterruptedUsage()).toBe(1);
      expect((await reopened.queryUsage({})).find((r) => r.requestId === 'req_crashed')?.status).toBe('interrupted');
    } finally {
      await reopened.close();
    }
  });

  it('GET /v1/usage returns the organization summary', async () => {
    const res = await fetch(`${h.url}/v1/usage`, { headers: { authorization: `Bearer ${h.key}` } });
    const summary = (await res.json()) as { organization: string; total: { requests: number; flexServed: number; savingUsd: number } };
    expect(res.status).toBe(200);
    expect(summary.organization).toBe('e2e');
    expect(summary.total.requests).toBeGreaterThanOrEqual(5);
    expect(summary.total.flexServed).toBeGreaterThanOrEqual(1);
    expect(summary.total.savingUsd).toBeGreaterThan(0);
    expect((await fetch(`${h.url}/v1/usage`)).status).toBe(401);
  });
});

describe('usage ledger, failed fallback', () => {
  it('records the route taken even when the standard fallback itself fails', async () => {
    const res = await post(
      `${h.url}/v1/responses`,
      // Both tiers answer 500: flex fails first (flex_error), then the standard fallback fails too.
      JSON.stringify({ model: 'gpt-5-mini', input: '[emulate:error=500]', start_within: '00h-00m-30s' }),
      { authorization: `Bearer ${h.key}` },
    );
    expect(res.status).toBe(500);
    expect(await rowFor(res.headers.get('x-request-id'))).toMatchObject({ status: 'failed', route: 'flex_error', errorCode: 'upstream_error' });
    const tiers = h.emulator.requests.slice(-2).map((r) => r.tier);
    expect(tiers).toEqual(['flex', 'default']);
  });
});

describe('metrics from the ledger', () => {
  /** The value of one sample line of /metrics, 0 when absent. */
  async function sample(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }
  const flexServed = 'provider="openai",model="gpt-5-mini",route="flex_admitted",tier="flex",status="completed"';

  it('counts each request by route and tier, adds its spend and standard cost, and keeps uncatalogued models to one label', async () => {
    const before = {
      flex: await sample('flexinference_requests_total', flexServed),
      spend: await sample('flexinference_spend_usd_total', 'provider="openai",model="gpt-5-mini",tier="flex"'),
      standard: await sample('flexinference_standard_cost_usd_total', 'provider="openai",model="gpt-5-mini"'),
      other: await sample('flexinference_requests_total', 'provider="openai",model="other",route="direct",tier="standard",status="completed"'),
    };
    const { response } = await send('count me', '00h-00m-30s');
    const row = await rowFor(response.headers.get('x-request-id'));
    expect(await sample('flexinference_requests_total', flexServed)).toBe(before.flex + 1);
    expect(await sample('flexinference_spend_usd_total', 'provider="openai",model="gpt-5-mini",tier="flex"')).toBeCloseTo(before.spend + row.costUsd, 12);
    expect(await sample('flexinference_standard_cost_usd_total', 'provider="openai",model="gpt-5-mini"')).toBeCloseTo(before.standard + row.standardCostUsd, 12);

    const uncatalogued = await post(
      `${h.url}/v1/responses`,
      JSON.stringify({ model: 'my-finetune-7f3a', input: 'hi', start_within: 'default' }),
      { authorization: `Bearer ${h.key}` },
    );
    expect(uncatalogued.status).toBe(200);
    expect(await sample('flexinference_requests_total', 'provider="openai",model="other",route="direct",tier="standard",status="completed"')).toBe(before.other + 1);
    expect(await (await fetch(`${h.url}/metrics`)).text()).not.toContain('my-finetune-7f3a');
  });
});

import { describe, expect, it } from 'vitest';
import { FLAP_PERIOD_MS, drawCapacity, profileCapacity, resolveCapacity, sampleDelayMs } from './capacity.js';
import { startEmulator } from './index.js';
import { createRng } from './rng.js';
import { jsonOf, parseSse, post } from './test-support/helpers.js';
import type { EmulatorOptions, EmulatorRequestLog } from './types.js';

const AUTH = { authorization: 'Bearer sk-test' };

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('capacity profiles', () => {
  it('instant has no delays, refusals or pacing', () => {
    for (const tierClass of ['flex', 'standard', 'priority'] as const) {
      const c = profileCapacity({ profile: 'instant', api: 'openai', tierClass, elapsedMs: 0, timeScale: 1 });
      expect(c).toMatchObject({ admissionDelayMs: { p50: 0, p99: 0 }, refusalRate: 0, outage: false, tokensPerSecond: Infinity });
    }
  });

  it('calm OpenAI flex admits in about 0.6–1 s, and with no queue standard starts no faster', () => {
    const rng = createRng(3);
    const median = (tierClass: 'flex' | 'standard'): number => {
      const c = profileCapacity({ profile: 'calm', api: 'openai', tierClass, elapsedMs: 0, timeScale: 1 });
      const samples = Array.from({ length: 2_000 }, () => sampleDelayMs(c.admissionDelayMs, rng)).sort((a, b) => a - b);
      return samples[1_000] ?? 0;
    };
    const flex = median('flex');
    expect(flex).toBeGreaterThan(600);
    expect(flex).toBeLessThan(1_000);
    expect(Math.abs(median('standard') - flex) / flex).toBeLessThan(0.1);
    const standard = profileCapacity({ profile: 'calm', api: 'openai', tierClass: 'standard', elapsedMs: 0, timeScale: 1 });
    expect(standard.admissionDelayMs.p99).toBeLessThanOrEqual(2_000);
  });

  it('slow-flex starts flex later than standard on both flex providers', () => {
    for (const api of ['openai', 'gemini'] as const) {
      const at = (tierClass: 'flex' | 'standard'): number =>
        profileCapacity({ profile: 'slow-flex', api, tierClass, elapsedMs: 0, timeScale: 1 }).admissionDelayMs.p50;
      expect(at('flex')).toBeGreaterThan(2 * at('standard'));
    }
  });

  it('outage refuses flex only; flapping alternates by period', () => {
    expect(profileCapacity({ profile: 'outage', api: 'gemini', tierClass: 'flex', elapsedMs: 0, timeScale: 1 }).outage).toBe(true);
    expect(profileCapacity({ profile: 'outage', api: 'gemini', tierClass: 'standard', elapsedMs: 0, timeScale: 1 }).outage).toBe(false);
    const at = (elapsedMs: number): boolean =>
      profileCapacity({ profile: 'flapping', api: 'openai', tierClass: 'flex', elapsedMs, timeScale: 1 }).outage;
    expect([at(0), at(FLAP_PERIOD_MS + 1), at(2 * FLAP_PERIOD_MS + 1)]).toEqual([false, true, false]);
  });

  it('applies overrides by provider, model and tier (name or class)', () => {
    const base = { profile: 'instant' as const, api: 'openai' as const, model: 'gpt-5', tier: 'default', tierClass: 'standard' as const, elapsedMs: 0, timeScale: 1 };
    const overrides = [
      { provider: 'openai' as const, model: '*', tier: 'standard', set: { refusalRate: 0.5 } },
      { model: 'other', set: { outage: true } },
    ];
    expect(resolveCapacity({ ...base, overrides })).toMatchObject({ refusalRate: 0.5, outage: false });
    expect(resolveCapacity({ ...base, overrides, model: 'other' }).outage).toBe(true);
  });

  it('draws the same decisions from the same seed', () => {
    const c = profileCapacity({ profile: 'congested', api: 'openai', tierClass: 'flex', elapsedMs: 0, timeScale: 1 });
    const run = (seed: number): unknown[] => {
      const rng = createRng(seed);
      return Array.from({ length: 20 }, () => drawCapacity(c, rng, 1));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

describe('capacity model over HTTP', () => {
  it('refuses flex with OpenAI 429 resource_unavailable under outage, standard still serves', async () => {
    const emu = await startEmulator({ profile: 'outage', timeScale: 0 });
    try {
      const flex = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi', service_tier: 'flex' }, AUTH);
      expect(flex.status).toBe(429);
      expect(jsonOf(flex).error).toMatchObject({ code: 'resource_unavailable' });
      const std = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi' }, AUTH);
      expect(std.status).toBe(200);
      expect(emu.requests.map((r) => [r.tier, r.outcome])).toEqual([['flex', 'refused'], ['default', 'completed']]);
    } finally {
      await emu.close();
    }
  });

  it('applies the flex admission delay after response.in_progress and before the first output event', async () => {
    const emu = await startEmulator({
      profile: 'instant',
      capacity: [{ provider: 'openai', tier: 'flex', set: { admissionDelayMs: { p50: 300, p99: 300 } } }],
    });
    try {
      const res = await fetch(`${emu.url}/v1/responses`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5', input: 'hi', stream: true, service_tier: 'flex' }),
      });
      const reader = res.body?.getReader();
      if (!reader) throw new Error('no body');
      const started = Date.now();
      let text = '';
      let lifecycleAt = -1;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
        if (lifecycleAt === -1 && text.includes('response.in_progress')) lifecycleAt = Date.now() - started;
      }
      const firstOutputAt = Date.now() - started;
      expect(lifecycleAt).toBeGreaterThanOrEqual(0);
      expect(lifecycleAt).toBeLessThan(150);
      expect(firstOutputAt).toBeGreaterThanOrEqual(280);
      expect(parseSse(text)[2]?.event).toBe('response.output_item.added');
      const log = emu.requests[0] as EmulatorRequestLog;
      expect((log.admittedAt ?? 0) - log.receivedAt).toBeGreaterThanOrEqual(290);
    } finally {
      await emu.close();
    }
  });

  it('scales modelled delays with timeScale but keeps scripted delays literal', async () => {
    const emu = await startEmulator({
      profile: 'instant',
      timeScale: 0.01,
      capacity: [{ set: { admissionDelayMs: { p50: 10_000, p99: 10_000 } } }],
    });
    try {
      let t = Date.now();
      await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi' }, AUTH);
      expect(Date.now() - t).toBeLessThan(1_000);
      t = Date.now();
      await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi [emulate:delay=250]' }, AUTH);
      expect(Date.now() - t).toBeGreaterThanOrEqual(240);
    } finally {
      await emu.close();
    }
  });

  it('is deterministic under a seed: same outcomes and answers', async () => {
    const options: EmulatorOptions = { profile: 'congested', timeScale: 0, seed: 42 };
    const run = async (): Promise<unknown[]> => {
      const emu = await startEmulator(options);
      try {
        const out: unknown[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: `question ${i % 3}`, service_tier: 'flex' }, AUTH);
          out.push(res.status === 200 ? (jsonOf(res).output as unknown[])[0] : res.status);
        }
        return out.map((o) => (typeof o === 'object' && o !== null ? JSON.stringify((o as { content: unknown }).content) : o));
      } finally {
        await emu.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(429);
  });

  it('logs an aborted request and stops its timers', async () => {
    const emu = await startEmulator({ profile: 'instant' });
    try {
      const controller = new AbortController();
      const pending = fetch(`${emu.url}/v1/responses`, {
        method: 'POST',
        signal: controller.signal,
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5', input: 'slow [emulate:flex_delay=60000]', stream: true, service_tier: 'flex' }),
      });
      const res = await pending;
      expect(res.status).toBe(200);
      controller.abort();
      await until(() => emu.requests[0]?.outcome === 'aborted');
      expect(emu.requests[0]?.endedAt).toBeDefined();
      expect(emu.requests[0]?.admittedAt).toBeUndefined();
    } finally {
      const t = Date.now();
      await emu.close();
      expect(Date.now() - t).toBeLessThan(1_000);
    }
  });

  it('[emulate:silence] sends headers then nothing until the client leaves; close() ends it', async () => {
    const emu = await startEmulator({ profile: 'instant' });
    const res = await fetch(`${emu.url}/v1/responses`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5', input: 'hi [emulate:silence]', stream: true }),
    });
    expect(res.status).toBe(200);
    expect(emu.requests[0]?.outcome).toBe('pending');
    await emu.close();
    await expect(res.text()).rejects.toThrow();
    await until(() => emu.requests[0]?.outcome === 'aborted');
  });

  it('paces output at tokensPerSecond', async () => {
    const emu = await startEmulator({ profile: 'instant', capacity: [{ set: { tokensPerSecond: 100 } }] });
    try {
      const t = Date.now();
      const res = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi there friend', stream: true }, AUTH);
      const elapsed = Date.now() - t;
      const completed = parseSse(res.text).at(-1);
      const usage = (JSON.parse(completed?.data ?? '{}') as { response: { usage: { output_tokens: number } } }).response.usage;
      // 10 ms per token; allow batching slack.
      expect(elapsed).toBeGreaterThanOrEqual(usage.output_tokens * 10 * 0.7);
    } finally {
      await emu.close();
    }
  });

  it('scripts flex-only failures while the standard tier answers the same prompt', async () => {
    const emu = await startEmulator({ profile: 'instant' });
    try {
      const input = 'hi [emulate:flex_error=500] [emulate:flex_refuse]';
      expect((await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input, service_tier: 'flex' }, AUTH)).status).toBe(500);
      expect((await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input }, AUTH)).status).toBe(200);
      const refuse = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi [emulate:flex_refuse]', service_tier: 'flex' }, AUTH);
      expect(refuse.status).toBe(429);
      const midstream = 'story [emulate:flex_fail_midstream]';
      const flex = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: midstream, service_tier: 'flex', stream: true }, AUTH);
      expect(parseSse(flex.text).at(-1)?.event).toBe('response.failed');
      const std = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: midstream, stream: true }, AUTH);
      expect(parseSse(std.text).at(-1)?.event).toBe('response.completed');
      expect(emu.requests.map((r) => r.outcome)).toEqual(['error', 'completed', 'refused', 'failed_midstream', 'completed']);
    } finally {
      await emu.close();
    }
  });

  it('keeps only the most recent requests when logLimit is set', async () => {
    const emu = await startEmulator({ profile: 'instant', logLimit: 2 });
    try {
      for (const input of ['a', 'b', 'c']) await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input }, AUTH);
      expect(emu.requests.map((r) => (r.body as { input: string }).input)).toEqual(['b', 'c']);
    } finally {
      await emu.close();
    }
  });

  it('changes profile live with configure()', async () => {
    const emu = await startEmulator({ profile: 'instant' });
    try {
      expect((await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'a', service_tier: 'flex' }, AUTH)).status).toBe(200);
      emu.configure({ profile: 'outage', timeScale: 0 });
      expect((await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'a', service_tier: 'flex' }, AUTH)).status).toBe(429);
    } finally {
      await emu.close();
    }
  });
});

// Client disconnect and connection refused, through the real gateway and the fault proxy: a caller
// that leaves aborts every upstream attempt and starts no fallback; an upstream that refuses
// connections is an upstream_unavailable error in the caller's envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { Harness } from '../e2e/harness.js';
import { startHarness } from '../e2e/harness.js';
import type { SurfaceName } from './callers.js';
import { SURFACES, callerRequest, expectErrorEnvelope, send } from './callers.js';
import type { FaultProxy } from './fault-proxy.js';
import { closedPort, refuses, startFaultProxy } from './fault-proxy.js';

type Provider = 'openai' | 'gemini' | 'anthropic';
const MODELS: Record<Provider, string> = { openai: 'gpt-5-mini', gemini: 'gemini-2.5-flash', anthropic: 'claude-sonnet-4-5' };
const TIER_KINDS: Record<Provider, readonly string[]> = {
  openai: ['default', 'priority', 'auto', 'flex'],
  gemini: ['default', 'priority', 'flex'],
  anthropic: ['default', 'priority', 'auto'],
};

interface Cell {
  provider: Provider;
  tier: string;
  stream: boolean;
  surface: SurfaceName;
}

function cells(): Cell[] {
  const out: Cell[] = [];
  for (const provider of ['openai', 'gemini', 'anthropic'] as const) {
    for (const tier of TIER_KINDS[provider]) {
      for (const stream of [false, true]) out.push({ provider, tier, stream, surface: SURFACES[out.length % SURFACES.length] as SurfaceName });
    }
  }
  return out;
}

const startWithinOf = (tier: string): string => (tier === 'flex' ? '00h-00m-30s' : tier);

describe('client disconnect', () => {
  let emulator: RunningEmulator;
  let proxy: FaultProxy;
  let h: Harness;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1', profile: 'instant', seed: 13 });
    proxy = await startFaultProxy({ upstream: emulator.url });
    h = await startHarness({ env: { OPENAI_BASE_URL: `${proxy.url}/v1`, GEMINI_BASE_URL: proxy.url, ANTHROPIC_BASE_URL: proxy.url } });
  });
  afterAll(async () => {
    await h.close();
    await proxy.close();
    await emulator.close();
  });

  const disconnectedRows = async (): Promise<number> => {
    await h.gateway.deps.ledger.flush();
    return (await h.gateway.deps.store.queryUsage({})).filter((r) => r.status === 'disconnected').length;
  };

  // One at a time: each case counts the ledger's disconnected rows.
  for (const [i, cell] of cells().entries()) {
    const fault = cell.tier === 'flex' ? '[fault:flex=stall]' : '[fault:stall]';
    it(`${cell.provider} ${cell.tier} · ${cell.stream ? 'streamed, after the first bytes' : 'non-streamed, while waiting'} · /${cell.surface}`, async () => {
      const id = `d${i}`;
      const request = callerRequest(cell.surface, { model: MODELS[cell.provider], text: `Leave me [case:${id}] ${fault}`, stream: cell.stream, startWithin: startWithinOf(cell.tier) });
      const before = await disconnectedRows();
      const leave = new AbortController();
      const answer = fetch(`${h.url}${request.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
        signal: leave.signal,
      });
      if (cell.stream) {
        const res = await answer;
        const reader = res.body!.getReader();
        expect((await reader.read()).done).toBe(false);
      } else {
        // The attempt has reached the upstream and stalled after its content.
        await expect.poll(() => proxy.records.some((r) => r.caseId === id), { timeout: 5_000, interval: 20 }).toBe(true);
        await new Promise((r) => setTimeout(r, 200));
      }
      leave.abort();
      await answer.then((res) => res.body?.cancel()).catch(() => undefined);
      const leftAt = performance.now();
      const attempts = () => proxy.records.filter((r) => r.caseId === id);
      // Every upstream connection of this request is closed promptly …
      await expect.poll(() => attempts().every((r) => r.closedAt !== undefined), { timeout: 3_000, interval: 20 }).toBe(true);
      expect(Math.max(...attempts().map((r) => r.closedAt ?? Infinity)) - leftAt).toBeLessThan(2_000);
      // … no fallback starts after the caller left …
      await new Promise((r) => setTimeout(r, 300));
      expect(attempts().filter((r) => r.openedAt > leftAt)).toEqual([]);
      expect(attempts()).toHaveLength(1);
      // … and the request is recorded as disconnected.
      await expect.poll(disconnectedRows, { timeout: 3_000, interval: 50 }).toBe(before + 1);
    });
  }
});

describe('connection refused', () => {
  let h: Harness;
  beforeAll(async () => {
    const port = await closedPort();
    expect(await refuses(port)).toBe(true);
    const base = `http://127.0.0.1:${port}`;
    h = await startHarness({ env: { OPENAI_BASE_URL: `${base}/v1`, GEMINI_BASE_URL: base, ANTHROPIC_BASE_URL: base } });
  });
  afterAll(async () => {
    await h.close();
  });

  for (const cell of cells()) {
    it(`${cell.provider} ${cell.tier} · ${cell.stream ? 'streamed' : 'non-streamed'} · /${cell.surface}: upstream_unavailable 503`, async () => {
      const request = callerRequest(cell.surface, { model: MODELS[cell.provider], text: 'Anyone there?', stream: cell.stream, startWithin: startWithinOf(cell.tier) });
      const answer = await send(h.url, h.key, request);
      expectErrorEnvelope(cell.surface, answer, [503]);
      expect(answer.headers.get('x-flexinference-route')).toBeNull();
      // Flex refusals are retried inside the flex budget before the fallback: the bound is the window.
      expect(answer.ms).toBeLessThan(cell.tier === 'flex' ? 30_000 : 5_000);
    });
  }
});

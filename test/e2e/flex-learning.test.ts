// Learning to skip a flex tier that never starts, as a new user meets it: one model, one fixed
// `start_within`, requests one after another through the real gateway and the emulator. Time runs
// 20 times faster on both sides (the benchmark's compression), so a 5 s window takes 250 ms.
import { rmSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledClock } from '../../src/bench/flex.js';
import { startGateway } from '../../src/server/bootstrap.js';
import type { RunningGateway } from '../../src/server/bootstrap.js';
import type { Harness } from './harness.js';
import { post, startHarness } from './harness.js';

const FACTOR = 20;
let h: Harness;
let restarted: RunningGateway | undefined;

beforeAll(async () => {
  h = await startHarness({
    emulator: { profile: 'calm', timeScale: 1 / FACTOR },
    // No probes, so every request after the learning is skipped and the test can say so.
    gateway: { clock: scaledClock(FACTOR), random: () => 0.99 },
  });
  h.emulator.configure({
    capacity: [
      // gpt-5-mini's flex never admits within any window; gpt-5.4's flex refuses every request.
      { provider: 'openai', model: 'gpt-5-mini', tier: 'flex', set: { admissionDelayMs: { p50: 900_000, p99: 900_000 }, refusalRate: 0 } },
      { provider: 'openai', model: 'gpt-5.4', tier: 'flex', set: { refusalRate: 1 } },
    ],
  });
});
afterAll(async () => {
  await restarted?.stop(1_000);
  if (!restarted) await h.gateway.stop(1_000);
  await h.emulator.close();
  rmSync(h.dir, { recursive: true, force: true });
});

type Answer = { route: string | null; virtualMs: number; status: number };

async function ask(url: string, model: string, startWithin = '00h-00m-05s'): Promise<Answer> {
  const started = performance.now();
  const res = await post(`${url}/v1/responses`, JSON.stringify({ model, input: 'Classify this ticket.', start_within: startWithin, stream: true }), {
    authorization: `Bearer ${h.key}`,
  });
  return { route: res.headers.get('x-flexinference-route'), virtualMs: (performance.now() - started) * FACTOR, status: res.status };
}

async function askInTurn(url: string, model: string, n: number, startWithin?: string): Promise<Answer[]> {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await ask(url, model, startWithin));
  return answers;
}

describe('learning with one fixed window', () => {
  it('stops racing a flex tier that never starts, although its budget moves with the reserve', async () => {
    const answers = await askInTurn(h.url, 'gpt-5-mini', 24);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const routes = answers.map((a) => a.route);
    expect(new Set(routes)).toEqual(new Set(['flex_timeout', 'flex_skipped_predicted_miss']));
    // The reserve moved while it learned: the budgets of the timeouts were not all the same.
    const firstSkip = routes.indexOf('flex_skipped_predicted_miss');
    expect(firstSkip).toBeGreaterThanOrEqual(8); // eight attempts before the statistics are trusted
    expect(firstSkip).toBeLessThanOrEqual(12);
    // Once learned, it stays learned: the later budgets (a few ms apart) see the same timeouts.
    expect(routes.slice(14).filter((r) => r === 'flex_timeout').length).toBeLessThanOrEqual(1);
  });

  it('skips a flex tier that refuses every request at least as quickly, its refusals counted', async () => {
    const refusedBefore = (): number => h.emulator.requests.filter((r) => r.model === 'gpt-5.4' && r.tier === 'flex').length;
    // A 30 s window: its budget has room for several retries.
    const first = await ask(h.url, 'gpt-5.4', '00h-00m-30s');
    expect(first.route).toBe('flex_unavailable');
    // Nothing known yet: the refusal was retried on flex inside the budget before falling back.
    expect(refusedBefore()).toBeGreaterThan(1);
    const routes = [first, ...(await askInTurn(h.url, 'gpt-5.4', 15, '00h-00m-30s'))].map((a) => a.route);
    const firstSkip = routes.indexOf('flex_skipped_predicted_miss');
    expect(firstSkip).toBeGreaterThan(0);
    expect(firstSkip).toBeLessThanOrEqual(8); // no later than a flex tier that times out
    expect(routes.slice(firstSkip).every((r) => r === 'flex_skipped_predicted_miss')).toBe(true);
  });

  it('keeps what it learned across a restart (snapshot in the store)', async () => {
    const config = h.gateway.deps.config;
    await h.gateway.stop(1_000);
    restarted = await startGateway({ config, log: pino({ level: 'silent' }), clock: scaledClock(FACTOR), random: () => 0.99 });
    const [mini, big] = [await ask(restarted.url, 'gpt-5-mini'), await ask(restarted.url, 'gpt-5.4', '00h-00m-30s')];
    expect(mini.route).toBe('flex_skipped_predicted_miss');
    expect(big.route).toBe('flex_skipped_predicted_miss');
  });
});

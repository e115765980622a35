// Deadline honesty for non-streamed callers, end to end: their first byte is the whole answer, so
// the race learns how long standard takes to finish and reserves that, not just its start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { post, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Standard answers take a while to generate (instant admission, paced output).
  h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'standard', set: { tokensPerSecond: 40 } }] });
});
afterAll(async () => {
  await h.close();
});

const KEY = { provider: 'openai' as const, model: 'gpt-5-mini' };
// The same text every time, so every answer has the same length; the directive only slows flex.
const INPUT = 'Summarise the incident report for the on-call channel. [emulate:flex_delay=60000]';

async function timed(startWithin: string, stream: boolean): Promise<{ ms: number; route: string | null; status: number }> {
  const started = performance.now();
  const res = await post(
    `${h.url}/v1/responses`,
    JSON.stringify({ model: KEY.model, input: INPUT, start_within: startWithin, stream }),
    { authorization: `Bearer ${h.key}` },
  );
  return { ms: performance.now() - started, route: res.headers.get('x-flexinference-route'), status: res.status };
}

describe('non-streamed deadline honesty', () => {
  it('learns how long standard takes to finish and falls back early enough to answer within the window', async () => {
    const learning = await Promise.all(Array.from({ length: 10 }, () => timed('default', false)));
    expect(learning.every((r) => r.status === 200)).toBe(true);
    const finishMs = Math.min(...learning.map((r) => r.ms));
    // The scenario only means something if finishing takes a real share of the window.
    expect(finishMs).toBeGreaterThan(1_000);
    expect(finishMs).toBeLessThan(3_000);

    const stats = h.gateway.deps.stats;
    // It starts at once (a p99.9 of starts of a few ms each stays well under the finish time)…
    expect(stats.standardReserveMs(KEY)).toBeLessThan(finishMs / 2);
    expect(stats.finishReserveMs(KEY).standardMs).toBeGreaterThan(finishMs * 0.8); // …but takes this long to finish

    // Flex never starts in time. Without the completion reserve the fallback would open at ~5 s
    // and the answer arrive at ~5 s + finishMs.
    const answer = await timed('00h-00m-05s', false);
    expect(answer).toMatchObject({ status: 200, route: 'flex_timeout' });
    expect(answer.ms).toBeLessThan(5_250);
  });
});

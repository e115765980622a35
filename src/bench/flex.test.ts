import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../store/store.js';
import type { Outcome } from './flex-figures.js';
import { figures, oracleFigures } from './flex-figures.js';
import type { Job } from './workload.js';

const job = (id: number, windowMs = 5_000): Job => ({ id, arrivalMs: 0, model: 'gpt-5-mini', startWithin: '00h-00m-05s', windowMs, stream: true });

function outcome(id: number, tier: 'flex' | 'default', admissionMs: number, firstByteMs: number, status = 200): Outcome {
  const standardCostUsd = 1;
  const row: UsageRow = {
    requestId: `r${id}`,
    orgId: 'o',
    keyId: 'k',
    surface: 'responses',
    provider: 'openai',
    model: 'gpt-5-mini',
    startWithin: '00h-00m-05s',
    servedTier: tier === 'flex' ? 'flex' : 'standard',
    route: tier === 'flex' ? 'flex_admitted' : 'flex_timeout',
    status: status === 200 ? 'completed' : 'failed',
    errorCode: null,
    admissionMs,
    firstByteMs,
    durationMs: firstByteMs + 100,
    inputTokens: 10,
    cachedTokens: 0,
    outputTokens: 10,
    reasoningTokens: 0,
    costUsd: tier === 'flex' ? 0.5 : standardCostUsd,
    standardCostUsd,
    savingUsd: tier === 'flex' ? 0.5 : 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    warnings: [],
  };
  return { job: job(id), row, status, firstByteMs };
}

describe('flex bench figures', () => {
  it('counts a deadline hit by the first byte at the client, not by the upstream start', () => {
    const f = figures([
      outcome(1, 'flex', 1_000, 1_200),
      outcome(2, 'flex', 4_900, 5_300), // started in time, but the caller saw its first byte late
      outcome(3, 'default', 4_000, 4_500),
      outcome(4, 'default', 400, 450, 502),
    ]);
    expect(f.deadlineHit).toBe(2 / 4);
    expect(f.errors).toBe(1);
    expect(f.flexShare).toBe(2 / 3);
    expect(f.savingPct).toBeCloseTo((1 / 3) * 100, 6);
  });

  it('counts a stream that started in time and failed later as a hit and an error', () => {
    const failedLater = outcome(1, 'flex', 1_000, 1_200);
    const f = figures([{ ...failedLater, row: failedLater.row && { ...failedLater.row, status: 'failed' } }, outcome(2, 'default', 900, 950)]);
    expect(f.deadlineHit).toBe(1);
    expect(f.errors).toBe(1);
  });

  it('gives the oracle flex only when flex started within the window, and the standard start otherwise', () => {
    // #3 started on flex in time, but as a non-streamed answer its first byte came after the window.
    const oracle = [outcome(1, 'flex', 800, 850), outcome(2, 'flex', 9_000, 9_050), outcome(3, 'flex', 4_800, 5_200)];
    const baseline = [outcome(1, 'default', 300, 320), outcome(2, 'default', 600, 6_000), outcome(3, 'default', 500, 520)];
    const f = oracleFigures(oracle, baseline);
    expect(f.flexShare).toBe(2 / 3);
    expect(f.savingPct).toBeCloseTo((1 / 3) * 100, 6);
    expect(f.deadlineHit).toBe(1 / 3); // #2 on standard (first byte 6 s) and #3 on flex (5.2 s) miss
    expect(f.p50StartMs).toBe(800);
  });

  it('gives the in-time oracle flex only where flex reached the client within the window', () => {
    const oracle = [outcome(1, 'flex', 800, 850), outcome(2, 'flex', 9_000, 9_050), outcome(3, 'flex', 4_800, 5_200)];
    const baseline = [outcome(1, 'default', 300, 320), outcome(2, 'default', 600, 900), outcome(3, 'default', 500, 520)];
    const f = oracleFigures(oracle, baseline, { inTimeOnly: true });
    // #3 started on flex in time but finished late, so it counts at standard price with its standard start.
    expect(f.flexShare).toBe(1 / 3);
    expect(f.savingPct).toBeCloseTo((0.5 / 3) * 100, 6);
    expect(f.deadlineHit).toBe(1);
  });
});

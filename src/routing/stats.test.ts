import { describe, expect, it } from 'vitest';
import { raceAdmitChance } from './flex-retry.js';
import { createInProcessStats, outputLimitBucket, TIMEOUT_TOLERANCE } from './stats.js';

const key = { provider: 'openai' as const, model: 'gpt-5-mini' };

describe('flex outlook', () => {
  it('counts a timeout under a budget slightly shorter than the one asked about (fixed window, moving reserve)', () => {
    const stats = createInProcessStats({ now: () => 0 });
    // One client, one window: each budget is a few ms off the next as the reserve moves.
    for (let i = 0; i < 10; i++) stats.recordFlex(key, { kind: 'timeout', budgetMs: 4_990 - i * 7 });
    const outlook = stats.flexOutlook(key);
    expect(outlook?.admittedWithin(5_000)).toBe(0);
    expect(outlook?.admittedWithin(4_930 / (1 - TIMEOUT_TOLERANCE))).toBe(0);
    // A budget much longer than any tried is another question: flex gets the benefit of the doubt.
    expect(outlook?.admittedWithin(20_000)).toBe(1);
  });

  it('counts admissions within the budget against those that came later or timed out', () => {
    const stats = createInProcessStats({ now: () => 0 });
    for (let i = 0; i < 6; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 1_000 });
    for (let i = 0; i < 2; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 8_000 });
    for (let i = 0; i < 2; i++) stats.recordFlex(key, { kind: 'timeout', budgetMs: 4_000 });
    expect(stats.flexOutlook(key)?.admittedWithin(4_000)).toBeCloseTo(6 / 10);
    expect(stats.flexOutlook(key)?.admittedWithin(10_000)).toBeCloseTo(8 / 8); // 4 s timeouts do not speak for 10 s
  });

  it('counts refusals per model, so a flex tier that refuses everything has no chance left', () => {
    const stats = createInProcessStats({ now: () => 0 });
    for (let i = 0; i < 10; i++) stats.recordFlex(key, { kind: 'refused' });
    const outlook = stats.flexOutlook(key);
    expect(outlook?.refused).toBe(1);
    expect(outlook && raceAdmitChance(outlook, 60_000)).toBe(0);
    expect(stats.flexOutlook({ provider: 'openai', model: 'gpt-5.4' })).toBeUndefined();
  });

  it('a race that retries refusals is admitted more often than a single attempt', () => {
    const stats = createInProcessStats({ now: () => 0 });
    for (let i = 0; i < 7; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 700 });
    for (let i = 0; i < 3; i++) stats.recordFlex(key, { kind: 'refused' });
    const outlook = stats.flexOutlook(key);
    expect(outlook?.admittedWithin(10_000)).toBeCloseTo(0.7);
    const chance = outlook ? raceAdmitChance(outlook, 10_000) : 0;
    expect(chance).toBeGreaterThan(0.99);
    expect(outlook ? raceAdmitChance(outlook, 200) : 1).toBe(0); // no attempt fits
  });
});

describe('finish reserves per output limit', () => {
  it('keeps long answers from setting the reserve of short ones', () => {
    const stats = createInProcessStats({ now: () => 0 });
    for (let i = 0; i < 20; i++) {
      stats.recordFinish(key, { tier: 'standard', afterOpenMs: 800, outputLimit: 100 });
      stats.recordFinish(key, { tier: 'standard', afterOpenMs: 30_000, outputLimit: 8_000 });
      stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: 45_000, outputLimit: 8_000 });
    }
    expect(stats.finishReserveMs(key, 100)).toMatchObject({ standardMs: 800, flexGenerationMs: 45_000 }); // no short flex data yet: borrows a longer bucket
    expect(stats.finishReserveMs(key, 200).standardMs).toBe(800); // same bucket (≤ 256)
    expect(stats.finishReserveMs(key, 8_000).standardMs).toBe(30_000);
    // A limit with no data of its own borrows from longer limits, never shorter ones.
    expect(stats.finishReserveMs(key, 2_000).standardMs).toBe(30_000);
    expect(stats.finishReserveMs(key).standardMs).toBe(6_000); // unlimited: nothing learned, the finish default
  });

  it('tells the chance of a standard answer outlasting a time: the fitted tail, never below the share of samples past it', () => {
    const stats = createInProcessStats({ now: () => 0 });
    // Nothing learned: the default's own tail, median 3 s and p99.9 at the 6 s finish default.
    expect(stats.finishReserveMs(key).standardLongerThan(3_000)).toBeCloseTo(0.5);
    expect(stats.finishReserveMs(key).standardLongerThan(6_000)).toBeCloseTo(0.001, 4);
    // Log-normal around 2 s: the logs of the samples spread evenly over ±1 (sd ≈ 0.59).
    for (let i = 0; i < 21; i++) stats.recordFinish(key, { tier: 'standard', afterOpenMs: Math.round(2_000 * Math.exp(-1 + i / 10)) });
    const longerThan = stats.finishReserveMs(key).standardLongerThan;
    expect(longerThan(2_000)).toBeCloseTo(0.5, 1);
    expect(longerThan(1)).toBe(1);
    // Beyond every sample the fit still sees a tail: 2 s · e^(0.59 · 3.09) is about p99.9.
    const p999 = stats.finishReserveMs(key).standardMs;
    expect(p999).toBeGreaterThan(5_437); // the largest sample (2 s · e)
    expect(longerThan(p999)).toBeCloseTo(0.001, 3);
    // A cluster of stalls the fit misses still counts: 3 of 24 samples at 60 s.
    for (let i = 0; i < 3; i++) stats.recordFinish(key, { tier: 'standard', afterOpenMs: 60_000 });
    expect(stats.finishReserveMs(key).standardLongerThan(30_000)).toBeCloseTo(3 / 24);
  });

  it("estimates standard's finish from its start reserve and flex's generation until its own answers are enough", () => {
    let now = 0;
    const stats = createInProcessStats({ now: () => now });
    for (let i = 0; i < 10; i++) stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: 400 });
    // Start unknown: the 3 s start default, then 400 ms of generation.
    expect(stats.finishReserveMs(key).standardMs).toBe(3_400);
    expect(stats.finishReserveMs(key).standardLongerThan(3_300)).toBe(1);
    expect(stats.finishReserveMs(key).standardLongerThan(3_500)).toBe(0);
    expect(stats.learnedStandardFinishMs(key)).toBeUndefined(); // an estimate, not learned
    // Flex admitted within 900 ms: standard, the higher-priority tier, is taken to start by then.
    for (let i = 0; i < 10; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 900 });
    now += 1_000; // estimates follow their sources within a second
    expect(stats.finishReserveMs(key).standardMs).toBeCloseTo(1_300, -1); // start and generation added as distributions
    // Flex admissions slower than the start default do not lengthen it.
    for (let i = 0; i < 10; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 20_000 });
    now += 1_000;
    expect(stats.finishReserveMs(key).standardMs).toBe(3_400);
    // Standard's own starts, once learned, are the start.
    for (let i = 0; i < 10; i++) stats.recordStandardStart(key, 600);
    now += 1_000;
    expect(stats.finishReserveMs(key).standardMs).toBeCloseTo(1_000, -1);
    // Standard's own answers, once enough, replace the estimate.
    for (let i = 0; i < 10; i++) stats.recordFinish(key, { tier: 'standard', afterOpenMs: 2_500 });
    expect(stats.finishReserveMs(key).standardMs).toBe(2_500);
  });

  it('reads the tail from the upper half, so a cluster of very fast answers does not widen it', () => {
    const stats = createInProcessStats({ now: () => 0 });
    // One-event replies finish a few ms after admission; the rest take 160–440 ms.
    for (const ms of [3, 4, 4, 4, 5, 7, 10]) stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: ms });
    for (let i = 0; i < 30; i++) stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: 160 + i * 10 });
    // A fit to every sample would put p99.9 in the tens of seconds (log spread about 1.6).
    const high = stats.finishReserveMs(key).flexGenerationMs;
    expect(high).toBeGreaterThanOrEqual(450);
    expect(high).toBeLessThan(1_000);
  });

  it('buckets limits by powers of four from 256 tokens; no limit is its own bucket', () => {
    expect([1, 256, 257, 1_024, 4_096, 16_384, 16_385, undefined].map(outputLimitBucket)).toEqual([0, 0, 1, 1, 2, 3, 4, 4]);
  });
});

describe('snapshot', () => {
  it('restores every sample with its age, aged further by the time the gateway was down', () => {
    let now = 100_000;
    let wall = 1_700_000_000_000;
    const stats = createInProcessStats({ now: () => now, wallNow: () => wall, horizonMs: 60_000 });
    for (let i = 0; i < 10; i++) stats.recordStandardStart(key, 400 + i);
    now += 40_000;
    for (let i = 0; i < 10; i++) stats.recordFlex(key, { kind: 'refused' });
    const snapshot = JSON.parse(JSON.stringify(stats.snapshot())) as unknown;

    now = 5; // a new process: its own clock origin
    wall += 10_000; // down for 10 s
    const restored = createInProcessStats({ now: () => now, wallNow: () => wall, horizonMs: 60_000 });
    expect(restored.restore(snapshot)).toBe(20);
    expect(restored.standardReserveMs(key)).toBeGreaterThanOrEqual(409);
    expect(restored.flexOutlook(key)?.refused).toBe(1);
    // The starts were 50 s old on restore: 10 s more and they leave the horizon.
    now += 10_001;
    expect(restored.standardReserveMs(key)).toBe(3_000);
    expect(restored.flexOutlook(key)?.refused).toBe(1);
  });

  it('skips what it cannot read instead of failing', () => {
    const stats = createInProcessStats({ now: () => 0 });
    expect(stats.restore(null)).toBe(0);
    expect(stats.restore({ version: 2, savedAt: 0, series: [] })).toBe(0);
    const wall = Date.now();
    const partly = {
      version: 1,
      savedAt: wall,
      series: [
        { provider: 'openai', model: 'gpt-5-mini', kind: 'flex', bucket: 0, samples: [[10, { kind: 'refused' }], [10, { kind: 'nonsense' }], ['x', 1]] },
        { provider: 'nope', model: 'm', kind: 'flex', bucket: 0, samples: [[1, { kind: 'refused' }]] },
        { provider: 'gemini', model: 'gemini-2.5-flash', kind: 'standard-start', bucket: 0, samples: [[10, -5], [10, 600]] },
      ],
    };
    expect(stats.restore(partly)).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/catalog.js';
import { parseStartWithin } from './start-within.js';
import { createInProcessStats } from './stats.js';
import { MIN_RESERVE_MS, planTier } from './tier-plan.js';
import type { PlanDeps, TierPlan } from './tier-plan.js';

const catalog = loadCatalog();

function deps(overrides: Partial<PlanDeps> = {}, now = 0): PlanDeps {
  return { catalog, stats: createInProcessStats({ now: () => now }), random: () => 0.99, ...overrides };
}

const plan = (model: string, sw: string, provider: 'openai' | 'gemini' | 'anthropic', d = deps()) =>
  planTier({ model, provider, startWithin: parseStartWithin(sw), stream: true }, d);

describe('tier plan', () => {
  it('runs words directly on their tier, for any model', () => {
    expect(plan('some-uncatalogued-model', 'default', 'openai')).toEqual({ kind: 'direct', tier: 'standard', route: 'direct' });
    expect(plan('claude-sonnet-4-5', 'auto', 'anthropic')).toMatchObject({ tier: 'auto' });
  });

  it('lets a non-streamed standard caller of a model without flex take a whole answer once its finish times are learned', () => {
    const d = deps();
    const whole = (model: string, sw = 'default', stream = false) =>
      planTier({ model, provider: 'openai', startWithin: parseStartWithin(sw), stream }, d);
    expect(whole('gpt-4o')).toEqual({ kind: 'direct', tier: 'standard', route: 'direct' });
    for (let i = 0; i < 10; i++) {
      d.stats.recordFinish({ provider: 'openai', model: 'gpt-4o' }, { tier: 'standard', afterOpenMs: 900 });
      d.stats.recordFinish({ provider: 'openai', model: 'gpt-5-mini' }, { tier: 'standard', afterOpenMs: 900 });
    }
    expect(whole('gpt-4o')).toEqual({ kind: 'direct', tier: 'standard', route: 'direct', wholeWithinMs: 900 });
    // A streamed caller, another tier, or a flex model (whose standard start the race reserves) streams.
    expect(whole('gpt-4o', 'default', true)).not.toHaveProperty('wholeWithinMs');
    expect(whole('gpt-4o', 'priority')).not.toHaveProperty('wholeWithinMs');
    expect(whole('gpt-5-mini')).not.toHaveProperty('wholeWithinMs');
  });

  it('refuses the documented combinations', () => {
    expect(() => plan('gemini-2.5-flash', 'auto', 'gemini')).toThrow(expect.objectContaining({ code: 'auto_unsupported_for_gemini' }));
    expect(() => plan('claude-sonnet-4-5', '00h-00m-30s', 'anthropic')).toThrow(expect.objectContaining({ code: 'flex_unsupported_for_anthropic' }));
    expect(() => plan('gpt-4o', '00h-00m-30s', 'openai')).toThrow(expect.objectContaining({ code: 'model_not_flex_capable', param: 'start_within' }));
  });

  it('reserves the standard start time from the window (default before data)', () => {
    expect(plan('gpt-5-mini', '00h-00m-30s', 'openai')).toMatchObject({ kind: 'race', windowMs: 30_000, reserveMs: 3_000, flexBudgetMs: 27_000 });
  });

  it('learns the reserve from recent standard starts: a p99.9 extrapolated beyond the largest sample', () => {
    const d = deps();
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    const starts = Array.from({ length: 20 }, (_, i) => 300 + i * 10);
    for (const ms of starts) d.stats.recordStandardStart(key, ms);
    // The log-normal of the upper half: centred on the median, with the spread of the ten samples above it.
    const centre = (Math.log(390) + Math.log(400)) / 2;
    const upper = starts.slice(10).map((ms) => (Math.log(ms) - centre) ** 2);
    const sd = Math.sqrt(upper.reduce((a, b) => a + b) / (upper.length - 1));
    const expected = Math.round(Math.exp(centre + 3.09 * sd));
    expect(expected).toBeGreaterThan(490);
    expect(plan('gpt-5-mini', '00h-00m-10s', 'openai', d)).toMatchObject({ kind: 'race', reserveMs: expected, flexBudgetMs: 10_000 - expected });
  });

  it('keeps at least MIN_RESERVE_MS back, however fast standard has been', () => {
    const d = deps();
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    for (let i = 0; i < 20; i++) {
      d.stats.recordStandardStart(key, 3 + (i % 3));
      d.stats.recordFinish(key, { tier: 'standard', afterOpenMs: 5 + (i % 4) });
    }
    expect(plan('gpt-5-mini', '00h-00m-05s', 'openai', d)).toMatchObject({ kind: 'race', reserveMs: MIN_RESERVE_MS, flexBudgetMs: 5_000 - MIN_RESERVE_MS });
    const whole = planTier({ model: 'gpt-5-mini', provider: 'openai', startWithin: parseStartWithin('00h-00m-05s'), stream: false }, d);
    expect(whole).toMatchObject({ kind: 'race', reserveMs: MIN_RESERVE_MS });
  });

  it('covers a cluster of stalls the log-normal fit misses (empirical p99.5 floor)', () => {
    const d = deps();
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    for (let i = 0; i < 199; i++) d.stats.recordStandardStart(key, 400);
    // Two stalls in the last 200 starts: one in a hundred, far more than the one in a thousand allowed.
    d.stats.recordStandardStart(key, 4_000);
    d.stats.recordStandardStart(key, 4_000);
    expect(d.stats.standardReserveMs(key)).toBeGreaterThanOrEqual(4_000);
  });

  it('skips flex when recent traffic says it will not start in time, probing a small share', () => {
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    const d = deps();
    for (let i = 0; i < 20; i++) d.stats.recordFlex(key, { kind: 'refused' });
    expect(plan('gpt-5-mini', '00h-00m-30s', 'openai', d)).toMatchObject({ kind: 'direct', route: 'flex_skipped_predicted_miss' });
    const probing = deps({ stats: d.stats, random: () => 0.01 });
    expect(plan('gpt-5-mini', '00h-00m-30s', 'openai', probing)).toMatchObject({ kind: 'race', probe: true });
    // Recovery: admissions push the probability back up and flex returns.
    for (let i = 0; i < 200; i++) d.stats.recordFlex(key, { kind: 'admitted', afterMs: 800 });
    expect(plan('gpt-5-mini', '00h-00m-30s', 'openai', d)).toMatchObject({ kind: 'race', probe: false });
  });
});

describe('non-streamed callers: the first byte is the whole answer', () => {
  const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
  const nonStreamed = (sw: string, d: PlanDeps) =>
    planTier({ model: 'gpt-5-mini', provider: 'openai', startWithin: parseStartWithin(sw), stream: false }, d);
  const learned = (standardFinishMs: number, flexGenerationMs?: number): PlanDeps => {
    const d = deps();
    for (let i = 0; i < 20; i++) {
      d.stats.recordStandardStart(key, 500);
      d.stats.recordFinish(key, { tier: 'standard', afterOpenMs: standardFinishMs });
      if (flexGenerationMs !== undefined) d.stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: flexGenerationMs });
    }
    return d;
  };

  it('uses a default covering a start and a generation before there is data (twice the start default)', () => {
    expect(nonStreamed('00h-00m-30s', deps())).toMatchObject({ kind: 'race', reserveMs: 6_000, flexBudgetMs: 24_000 });
  });

  it('reserves the time standard takes to finish, while a streamed caller reserves only its start', () => {
    const d = learned(2_000);
    expect(nonStreamed('00h-00m-10s', d)).toMatchObject({ kind: 'race', reserveMs: 2_000, flexBudgetMs: 8_000 });
    expect(plan('gpt-5-mini', '00h-00m-10s', 'openai', d)).toMatchObject({ kind: 'race', reserveMs: 500, flexBudgetMs: 9_500 });
  });

  it('reserves a slower flex generation too, so a late flex admission still finishes in time', () => {
    expect(nonStreamed('00h-00m-10s', learned(2_000, 3_500))).toMatchObject({ reserveMs: 3_500, flexBudgetMs: 6_500 });
  });

  it('skips flex when flex generation alone outlasts the window while standard finishes in time', () => {
    expect(nonStreamed('00h-00m-10s', learned(2_000, 12_000))).toMatchObject({ kind: 'direct', route: 'flex_skipped_predicted_miss' });
  });

  it('keeps the start promise when even standard usually finishes after the window', () => {
    expect(nonStreamed('00h-00m-05s', learned(8_000))).toMatchObject({ kind: 'race', reserveMs: 500, flexBudgetMs: 4_500 });
  });

  it('skips flex when finishing on standard leaves flex no useful budget', () => {
    expect(nonStreamed('00h-00m-05s', learned(4_900))).toMatchObject({ kind: 'direct', route: 'flex_skipped_predicted_miss' });
  });

  describe('a window that fits a typical standard answer but not its tail', () => {
    // Standard finishes in ~2.6 s (log-normal, σ ≈ 0.23): the p99.9 (~5.3 s) outlasts a 5 s window.
    const finishes = Array.from({ length: 40 }, (_, i) => Math.round(2_600 * Math.exp(0.2 * (-2 + (4 * i) / 39))));
    const tailOf = (admittedMs: number | undefined, d = deps()) => {
      for (const ms of finishes) {
        d.stats.recordStandardStart(key, 400);
        d.stats.recordFinish(key, { tier: 'standard', afterOpenMs: ms });
        d.stats.recordFlex(key, admittedMs === undefined ? { kind: 'timeout', budgetMs: 1_000 } : { kind: 'admitted', afterMs: admittedMs });
      }
      return d;
    };
    const lateShare = (d: PlanDeps, p: TierPlan) => {
      const longerThan = d.stats.finishReserveMs(key).standardLongerThan;
      return longerThan(p.kind === 'race' ? p.reserveMs : 0);
    };

    it('races flex where it is usually admitted, reserving a finish quantile that keeps late fallbacks rare', () => {
      const d = tailOf(300);
      expect(d.stats.finishReserveMs(key).standardMs).toBeGreaterThan(5_000);
      const p = nonStreamed('00h-00m-05s', d);
      expect(p).toMatchObject({ kind: 'race', probe: false });
      if (p.kind !== 'race') return;
      // Flex is admitted in all 40 recent attempts, which shows no miss rate below 3/40: the
      // fallbacks that do happen may be late at most 0.1 % / 7.5 % of the time.
      expect(p.reserveMs).toBeGreaterThan(400);
      expect(p.flexBudgetMs).toBeGreaterThanOrEqual(250);
      expect((3 / 40) * lateShare(d, p)).toBeLessThanOrEqual(0.001);
    });

    it('skips flex where flex keeps timing out (a congested queue), probing with a p99 reserve', () => {
      expect(nonStreamed('00h-00m-05s', tailOf(undefined))).toMatchObject({ kind: 'direct', route: 'flex_skipped_predicted_miss' });
      const probing = tailOf(undefined, deps({ random: () => 0.01 }));
      const p = nonStreamed('00h-00m-05s', probing);
      expect(p).toMatchObject({ kind: 'race', probe: true });
      expect(lateShare(probing, p)).toBeLessThanOrEqual(0.01);
      expect(lateShare(probing, p)).toBeGreaterThan(0.001);
    });

    it('before any standard finish is known, reads the default as a tail too: 5 s windows race only where flex reliably starts', () => {
      const congested = deps();
      for (let i = 0; i < 40; i++) congested.stats.recordFlex(key, { kind: 'timeout', budgetMs: 2_000 });
      expect(nonStreamed('00h-00m-05s', congested)).toMatchObject({ kind: 'direct', route: 'flex_skipped_predicted_miss' });
      const reliable = deps();
      for (let i = 0; i < 200; i++) reliable.stats.recordFlex(key, { kind: 'admitted', afterMs: 300 });
      const p = nonStreamed('00h-00m-05s', reliable);
      expect(p).toMatchObject({ kind: 'race', probe: false });
      expect((3 / 200) * lateShare(reliable, p)).toBeLessThanOrEqual(0.001);
    });

    it('weighs the fallback by how often flex is not admitted where standard p99.9 fits the window too', () => {
      const d = tailOf(300);
      // A 10 s window fits standard's p99.9 (~5.3 s); 40 admissions leave fallbacks a 3/40 chance.
      const p = nonStreamed('00h-00m-10s', d);
      expect(p).toMatchObject({ kind: 'race', probe: false });
      if (p.kind !== 'race') return;
      expect(p.reserveMs).toBeLessThan(d.stats.finishReserveMs(key).standardMs);
      expect((3 / 40) * lateShare(d, p)).toBeLessThanOrEqual(0.001);
      // Without flex attempts to weigh by, the p99.9 is kept.
      const unweighed = deps();
      for (const ms of finishes) {
        unweighed.stats.recordStandardStart(key, 400);
        unweighed.stats.recordFinish(key, { tier: 'standard', afterOpenMs: ms });
      }
      expect(nonStreamed('00h-00m-10s', unweighed)).toMatchObject({ reserveMs: unweighed.stats.finishReserveMs(key).standardMs });
    });

    it('takes a fallback as at least as likely as recent timeouts, even under budgets longer than theirs', () => {
      const admittedOnly = nonStreamed('00h-00m-10s', tailOf(300));
      // Half the recent attempts ran out of a 1 s budget: no proof about 10 s, but a sign of congested spells.
      const spells = tailOf(300);
      for (let i = 0; i < 40; i++) spells.stats.recordFlex(key, { kind: 'timeout', budgetMs: 1_000 });
      expect(spells.stats.flexOutlook(key)?.admittedWithin(9_000)).toBe(1);
      const p = nonStreamed('00h-00m-10s', spells);
      if (p.kind !== 'race' || admittedOnly.kind !== 'race') throw new Error('expected races');
      expect(p.reserveMs).toBeGreaterThan(admittedOnly.reserveMs);
      expect(0.5 * lateShare(spells, p)).toBeLessThanOrEqual(0.001);
    });

    it('weighs a late flex finish by how often admission comes that late', () => {
      // Flex generation ~3 s (p99.9 ~6.5 s) and admission within 300 ms: a 10 s window need not keep
      // the whole generation p99.9 back, only what a late admission would need.
      const d = tailOf(300);
      for (let i = 0; i < 40; i++) d.stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: Math.round(3_000 * Math.exp(0.25 * (-2 + (4 * i) / 39))) });
      const generation = d.stats.finishReserveMs(key);
      expect(generation.flexGenerationMs).toBeGreaterThan(6_000);
      const p = nonStreamed('00h-00m-10s', d);
      if (p.kind !== 'race') throw new Error('expected a race');
      expect(p.reserveMs).toBeLessThan(generation.flexGenerationMs);
      // Admitted by 300 ms at the latest: a late finish needs a generation longer than W − 300 ms.
      expect(generation.flexGenerationLongerThan(10_000 - 300)).toBeLessThanOrEqual(0.001);
      // Flex admitted as late as the whole budget would leave too little: the reserve still holds the late ones back.
      const late = tailOf(300);
      for (let i = 0; i < 40; i++) late.stats.recordFlex(key, { kind: 'admitted', afterMs: 4_000 + i * 100 });
      for (let i = 0; i < 40; i++) late.stats.recordFinish(key, { tier: 'flex', afterAdmissionMs: Math.round(3_000 * Math.exp(0.25 * (-2 + (4 * i) / 39))) });
      const q = nonStreamed('00h-00m-10s', late);
      if (q.kind !== 'race') throw new Error('expected a race');
      expect(q.flexBudgetMs).toBeLessThan(p.flexBudgetMs);
    });

    it('skips flex before any flex attempt is known, when the fallback alone would too often be late', () => {
      const d = deps();
      for (const ms of finishes) {
        d.stats.recordStandardStart(key, 400);
        d.stats.recordFinish(key, { tier: 'standard', afterOpenMs: ms });
      }
      expect(nonStreamed('00h-00m-05s', d)).toMatchObject({ kind: 'direct', route: 'flex_skipped_predicted_miss' });
    });
  });
});

describe('one client, one fixed window, flex never admitting', () => {
  it('starts skipping once enough attempts timed out, although each budget is a hair longer than the last', () => {
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    const learned = createInProcessStats({ now: () => 0 });
    let reserveMs = 1_500;
    // The reserve shrinks by a few ms per request as its samples change, so the flex budget grows.
    const stats = { ...learned, standardReserveMs: () => reserveMs };
    const routes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const p = planTier({ model: 'gpt-5-mini', provider: 'openai', startWithin: parseStartWithin('00h-00m-05s'), stream: true }, deps({ stats }));
      routes.push(p.kind === 'race' ? 'raced' : p.route);
      if (p.kind === 'race') learned.recordFlex(key, { kind: 'timeout', budgetMs: p.flexBudgetMs });
      reserveMs -= 3;
    }
    expect(routes.slice(0, 8)).toEqual(Array(8).fill('raced'));
    expect(routes.slice(8)).toEqual(Array(22).fill('flex_skipped_predicted_miss'));
  });
});

describe('statistics over time (fake clock)', () => {
  it('old refusals age out of the horizon, so traffic returns to flex after an outage', () => {
    let now = 0;
    const stats = createInProcessStats({ now: () => now, horizonMs: 60_000 });
    const d = deps({ stats });
    const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
    for (let i = 0; i < 20; i++) stats.recordFlex(key, { kind: 'refused' });
    expect(plan('gpt-5-mini', '00h-00m-30s', 'openai', d)).toMatchObject({ route: 'flex_skipped_predicted_miss' });
    now = 61_000;
    expect(plan('gpt-5-mini', '00h-00m-30s', 'openai', d)).toMatchObject({ kind: 'race', probe: false });
  });

  it('a model whose flex admits slower than the budget allows is skipped; short windows skip, long ones race', () => {
    const stats = createInProcessStats({ now: () => 0 });
    const d = deps({ stats });
    const key = { provider: 'gemini' as const, model: 'gemini-2.5-flash' };
    for (let i = 0; i < 20; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 20_000 + i * 100 });
    expect(plan('gemini-2.5-flash', '00h-00m-10s', 'gemini', d)).toMatchObject({ route: 'flex_skipped_predicted_miss' });
    expect(plan('gemini-2.5-flash', '00h-01m-00s', 'gemini', d)).toMatchObject({ kind: 'race' });
  });
});

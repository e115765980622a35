import { describe, expect, it } from 'vitest';
import { upstreamError } from '../errors/catalog.js';
import { flush } from '../test-support/fake-clock.js';
import { gate, happyScript, type Step } from '../test-support/fake-provider.js';
import { raceSetup } from '../test-support/race-setup.js';
import { runPlan, type RunPlanOptions } from './run-plan.js';
import type { FinishSample, FlexStats } from './stats.js';
import type { TierPlan } from './tier-plan.js';

const race: TierPlan = { kind: 'race', windowMs: 30_000, flexBudgetMs: 28_000, reserveMs: 2_000, probe: false, retry: 'while-likely' };
const boom = upstreamError({ provider: 'openai', status: 500, message: 'boom' });

function setup(scripts: Parameters<typeof raceSetup>[0], plan: TierPlan = race, warnings: Parameters<typeof raceSetup>[2] = {}) {
  const bench = raceSetup(scripts, plan, warnings);
  const finishes: FinishSample[] = [];
  const reruns: unknown[] = [];
  const stats: FlexStats = { ...bench.stats, recordFinish: (_key, sample) => finishes.push(sample) };
  const options: RunPlanOptions = { ...bench.options, stats, onRerun: (err) => reruns.push(err) };
  return { ...bench, finishes, reruns, options };
}

/** created → admitted after `admit`, then the rest of `tail` (each step waits on the clock when asked). */
function flexThen(admit: Promise<void>, tail: Step[]): Step[] {
  return [
    { kind: 'event', event: { type: 'response.created', id: 'r', model: 'm', createdAt: 1 } },
    { kind: 'wait', until: admit },
    { kind: 'event', event: { type: 'admitted' } },
    ...tail,
  ];
}

/** Flex admitted when `admit` opens, then failing when `generating` opens; standard answers. */
function failsAfterAdmission(admit: Promise<void>, generating: Promise<void>) {
  return {
    flex: flexThen(admit, [{ kind: 'wait', until: generating }, { kind: 'throw', error: boom }]),
    standard: happyScript('standard'),
  };
}

describe('runPlan: fallback after admission (non-streamed)', () => {
  it('re-runs a flex answer that fails after admission on standard, and says so in the route', async () => {
    const admit = gate();
    const generating = gate();
    const { clock, provider, options, reruns, finishes } = setup(failsAfterAdmission(admit.promise, generating.promise));
    const run = runPlan(options);
    expect(run.route).toBe('flex_error');
    const answer = run.assemble();
    await clock.advance(1_200);
    admit.open();
    await clock.advance(3_000);
    expect(run.route).toBe('flex_admitted');
    expect(run.attempt?.tier).toBe('flex');
    generating.open();
    const { response, served } = await answer;
    expect(response.servedTier).toBe('standard');
    expect(served).toMatchObject({ tier: 'standard', route: 'flex_failed_after_admission' });
    expect(run.route).toBe('flex_failed_after_admission');
    expect(run.attempt).toBe(served);
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex', 'standard']);
    expect(reruns).toEqual([boom]);
    // The re-run is what served the caller: its finish time is learned as standard's.
    run.completed({ streamed: false });
    expect(finishes).toEqual([{ tier: 'standard', afterOpenMs: 0 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not re-run after the client went away', async () => {
    const admit = gate();
    const generating = gate();
    const { clock, client, provider, options, reruns } = setup(failsAfterAdmission(admit.promise, generating.promise));
    const run = runPlan(options);
    const answer = run.assemble().then(
      () => 'answered',
      () => 'failed',
    );
    admit.open();
    await clock.advance(500);
    client.abort(new Error('client disconnected'));
    await flush();
    expect(await answer).toBe('failed');
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex']);
    expect(reruns).toEqual([]);
  });

  it('does not re-run a standard answer that fails', async () => {
    const { provider, options } = setup({ standard: [...happyScript('standard').slice(0, 2), { kind: 'throw', error: boom }] }, { kind: 'direct', tier: 'standard', route: 'direct' });
    const run = runPlan(options);
    await expect(run.assemble()).rejects.toBe(boom);
    expect(run.route).toBe('direct');
    expect(provider.calls.map((c) => c.tier)).toEqual(['standard']);
  });

  it('learns a flex answer finish time from its admission, on the injected clock', async () => {
    const admit = gate();
    const generating = gate();
    const { clock, options, finishes } = setup({ flex: flexThen(admit.promise, [{ kind: 'wait', until: generating.promise }, ...happyScript('flex').slice(2)]) });
    const run = runPlan(options);
    const answer = run.assemble();
    await clock.advance(900);
    admit.open();
    await clock.advance(2_500);
    generating.open();
    const { response } = await answer;
    expect(response.servedTier).toBe('flex');
    run.completed({ streamed: false });
    expect(finishes).toEqual([{ tier: 'flex', afterAdmissionMs: 2_500 }]);
  });

  it('learns nothing from a streamed answer', async () => {
    const { options, finishes } = setup({ standard: happyScript('standard') }, { kind: 'direct', tier: 'standard', route: 'direct' });
    const run = runPlan(options);
    const committed = await run.open();
    for (;;) if ((await committed.events.next()).done) break;
    run.completed({ streamed: true });
    expect(finishes).toEqual([]);
  });
});

describe('runPlan: routes and cancellation', () => {
  it('records the race decision as the route, and flex_error when the race ends in a caller error', async () => {
    const fallback = setup({ flex: [{ kind: 'throw', error: upstreamError({ provider: 'openai', status: 503, message: 'busy' }) }], standard: happyScript('standard') });
    const run = runPlan(fallback.options);
    const opening = run.open();
    await fallback.clock.advance(28_000); // refusals are retried inside the flex budget first
    const committed = await opening;
    expect(committed.route).toBe('flex_unavailable');
    expect(run.route).toBe('flex_unavailable');
    expect(run.servedTier()).toBe('standard');

    const refused = setup({ flex: [{ kind: 'throw', error: upstreamError({ provider: 'openai', status: 400, message: 'bad input' }) }] });
    const failed = runPlan(refused.options);
    await expect(failed.open()).rejects.toMatchObject({ status: 400 });
    expect(failed.route).toBe('flex_error');
    expect(failed.attempt).toBeUndefined();
  });

  it('cancel() aborts the committed upstream attempt', async () => {
    const rest = gate();
    const { provider, options } = setup({ flex: [...happyScript('flex').slice(0, 2), { kind: 'wait', until: rest.promise }, ...happyScript('flex').slice(2)] });
    const run = runPlan(options);
    const committed = await run.open();
    expect(committed.tier).toBe('flex');
    const reading = (async () => {
      for (;;) if ((await committed.events.next()).done) return 'read';
    })().catch(() => 'aborted');
    await flush();
    run.cancel();
    expect(await reading).toBe('aborted');
    expect(provider.calls[0]!.signal.aborted).toBe(true);
  });
});

describe('runPlan: warnings come from the attempt that served', () => {
  // Each attempt converts on its own; a fake conversion that differs by tier shows whose are kept.
  const flexWarning = { code: 'translated', field: 'flex', message: 'the flex conversion' } as const;
  const standardWarning = { code: 'translated', field: 'standard', message: 'the standard conversion' } as const;
  const byTier = { flex: [flexWarning], standard: [standardWarning] };

  it('a flex attempt admitted in time: its own warnings', async () => {
    const { options } = setup({ flex: happyScript('flex'), standard: happyScript('standard') }, race, byTier);
    const run = runPlan(options);
    const committed = await run.open();
    expect([committed.tier, committed.warnings]).toEqual(['flex', [flexWarning]]);
  });

  it('a flex attempt that fails before admission: only the standard attempt that served', async () => {
    const { provider, options } = setup({ flex: [{ kind: 'throw', error: boom }], standard: happyScript('standard') }, race, byTier);
    const run = runPlan(options);
    const committed = await run.open();
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex', 'standard']);
    expect([committed.route, committed.warnings]).toEqual(['flex_error', [standardWarning]]);
    expect(run.attempt?.warnings).toEqual([standardWarning]);
  });

  it('a flex answer re-run on standard after admission: only the re-run', async () => {
    const admit = gate();
    const generating = gate();
    const { clock, options } = setup(failsAfterAdmission(admit.promise, generating.promise), race, byTier);
    const run = runPlan(options);
    const answer = run.assemble();
    admit.open();
    await clock.advance(1_000);
    expect(run.attempt?.warnings).toEqual([flexWarning]);
    generating.open();
    const { served } = await answer;
    expect(served.warnings).toEqual([standardWarning]);
    expect(run.attempt?.warnings).toEqual([standardWarning]);
  });
});

import { describe, expect, it } from 'vitest';
import { FlexError, upstreamError } from '../errors/catalog.js';
import { flush } from '../test-support/fake-clock.js';
import { gate, happyScript } from '../test-support/fake-provider.js';
import { raceSetup } from '../test-support/race-setup.js';
import type { Step, TierScripts } from '../test-support/fake-provider.js';
import { assembleResponse } from './assemble.js';
import { openCommitted } from './flex-race.js';
import type { TierPlan } from './tier-plan.js';

const race: TierPlan = { kind: 'race', windowMs: 30_000, flexBudgetMs: 28_000, reserveMs: 2_000, probe: false, retry: 'while-likely' };
const key = { provider: 'openai' as const, model: 'gpt-5-mini' };
const refusal = (retryAfterMs?: number) =>
  upstreamError({
    provider: 'openai',
    status: 429,
    providerCode: 'resource_unavailable',
    message: 'Resource Unavailable',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

function setup(scripts: TierScripts, plan: TierPlan = race) {
  return raceSetup(scripts, plan);
}

const delayed = (until: Promise<void>): Step[] => [
  { kind: 'event', event: { type: 'response.created', id: 'r', model: 'm', createdAt: 1 } },
  { kind: 'wait', until },
  ...happyScript('flex').slice(1),
];

describe('flex race', () => {
  it('commits to flex when admitted within the budget', async () => {
    const admit = gate();
    const { clock, provider, options, stats } = setup({ flex: delayed(admit.promise) });
    const pending = openCommitted(options);
    await clock.advance(900);
    admit.open();
    const committed = await pending;
    expect(committed.tier).toBe('flex');
    expect(committed.route).toBe('flex_admitted');
    expect(committed.flexAdmittedAfterMs).toBe(900);
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex']);
    const response = await assembleResponse(committed.events);
    expect(response.servedTier).toBe('flex');
    expect(clock.pendingTimers).toBe(0);
    expect(stats.flexOutlook(key)).toBeUndefined(); // one sample is not enough to judge by
  });

  it('falls back to standard when flex is not admitted within the budget, aborting flex', async () => {
    const never = gate();
    const { clock, provider, options } = setup({ flex: delayed(never.promise), standard: happyScript('standard') });
    const pending = openCommitted(options);
    await clock.advance(27_999);
    expect(provider.calls).toHaveLength(1);
    await clock.advance(1);
    const committed = await pending;
    expect(committed.tier).toBe('standard');
    expect(committed.route).toBe('flex_timeout');
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex', 'standard']);
    expect(provider.calls[0]!.signal.aborted).toBe(true);
    expect(provider.calls[0]!.aborted).toBe(true);
    expect((await assembleResponse(committed.events)).servedTier).toBe('standard');
  });

  it('retries a capacity refusal on flex after a short jittered backoff, and commits when admitted', async () => {
    const { clock, provider, options, stats } = setup({ flex: { calls: [[{ kind: 'throw', error: refusal() }], happyScript('flex')] } });
    const pending = openCommitted(options);
    await clock.advance(186); // first backoff: between 125 and 250 ms, 187.5 ms with this jitter
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex']);
    await clock.advance(2);
    const committed = await pending;
    expect(committed.route).toBe('flex_admitted');
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex', 'flex']);
    expect(committed.flexAdmittedAfterMs).toBe(0); // measured from the admitted attempt's own start
    for (let i = 0; i < 6; i++) stats.recordFlex(key, { kind: 'admitted', afterMs: 500 });
    expect(stats.flexOutlook(key)?.refused).toBeCloseTo(1 / 8); // the refusal was counted
  });

  it('honours Retry-After when it fits in the budget', async () => {
    const { clock, provider, options } = setup({ flex: { calls: [[{ kind: 'throw', error: refusal(3_000) }], happyScript('flex')] } });
    const pending = openCommitted(options);
    await clock.advance(2_999);
    expect(provider.calls).toHaveLength(1);
    await clock.advance(1);
    expect((await pending).route).toBe('flex_admitted');
  });

  it('uses the backoff when Retry-After would outlast the budget', async () => {
    const { clock, provider, options } = setup({ flex: { calls: [[{ kind: 'throw', error: refusal(60_000) }], happyScript('flex')] } });
    const pending = openCommitted(options);
    await clock.advance(188);
    expect(provider.calls).toHaveLength(2);
    expect((await pending).route).toBe('flex_admitted');
  });

  it('keeps retrying refusals only while an attempt still fits, then falls back (flex_unavailable)', async () => {
    const plan: TierPlan = { ...race, flexBudgetMs: 4_000 };
    const { clock, provider, options } = setup({ flex: [{ kind: 'throw', error: refusal() }], standard: happyScript('standard') }, plan);
    const pending = openCommitted(options);
    await clock.advance(4_000);
    const committed = await pending;
    expect(committed.route).toBe('flex_unavailable');
    const tiers = provider.calls.map((c) => c.tier);
    expect(tiers.at(-1)).toBe('standard');
    // Waits of 187.5, 375, 750, 1500 ms: the next (1500 ms) would leave less than an attempt needs.
    expect(tiers.filter((t) => t === 'flex')).toHaveLength(5);
  });

  it('falls back at the first refusal when recent traffic says flex refuses everything', async () => {
    const { clock, provider, options, stats } = setup({ flex: [{ kind: 'throw', error: refusal() }], standard: happyScript('standard') });
    for (let i = 0; i < 20; i++) stats.recordFlex(key, { kind: 'refused' });
    const pending = openCommitted(options);
    await clock.advance(1);
    const committed = await pending;
    expect(committed.route).toBe('flex_unavailable');
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex', 'standard']);
  });

  it('falls back on response.failed / early end before admission (flex_error)', async () => {
    const { options } = setup({
      flex: [
        { kind: 'event', event: { type: 'response.created', id: 'r', model: 'm', createdAt: 1 } },
        { kind: 'throw', error: upstreamError({ provider: 'openai', status: 500, message: 'server_error' }) },
      ],
      standard: happyScript('standard'),
    });
    expect((await openCommitted(options)).route).toBe('flex_error');
  });

  it('returns a caller error (400) without retrying on standard', async () => {
    const { provider, options } = setup({
      flex: [{ kind: 'throw', error: upstreamError({ provider: 'openai', status: 400, providerCode: 'invalid_value', message: 'bad input' }) }],
      standard: happyScript('standard'),
    });
    await expect(openCommitted(options)).rejects.toMatchObject({ status: 400, message: 'bad input' });
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex']);
  });

  it('a client disconnect during the race aborts flex and starts no fallback', async () => {
    const never = gate();
    const { clock, client, provider, options } = setup({ flex: delayed(never.promise), standard: happyScript('standard') });
    const pending = openCommitted(options);
    const settled = pending.then(() => 'resolved', () => 'rejected');
    await clock.advance(500);
    client.abort(new Error('client disconnected'));
    await flush();
    expect(await settled).toBe('rejected');
    expect(provider.calls.map((c) => c.tier)).toEqual(['flex']);
    expect(provider.calls[0]!.signal.aborted).toBe(true);
    await clock.advance(60_000);
    expect(provider.calls).toHaveLength(1);
  });

  it('a client disconnect after commit aborts the committed flex upstream', async () => {
    const rest = gate();
    const { client, provider, options } = setup({
      flex: [...happyScript('flex').slice(0, 2), { kind: 'wait', until: rest.promise }, ...happyScript('flex').slice(2)],
    });
    const committed = await openCommitted(options);
    const reading = assembleResponse(committed.events).then(() => 'done', () => 'aborted');
    await flush();
    client.abort(new Error('client disconnected'));
    expect(await reading).toBe('aborted');
    expect(provider.calls[0]!.signal.aborted).toBe(true);
  });

  it('a failure after commit surfaces to the consumer (the server re-runs or ends the stream)', async () => {
    const { options } = setup({
      flex: [
        ...happyScript('flex').slice(0, 2),
        { kind: 'throw', error: upstreamError({ provider: 'openai', status: 500, message: 'boom' }) },
      ],
    });
    const committed = await openCommitted(options);
    expect(committed.tier).toBe('flex');
    await expect(assembleResponse(committed.events)).rejects.toBeInstanceOf(FlexError);
  });

  it('direct plans go straight to their tier', async () => {
    const { provider, options } = setup({ priority: happyScript('priority') }, { kind: 'direct', tier: 'priority', route: 'direct' });
    const committed = await openCommitted(options);
    expect(committed.route).toBe('direct');
    expect(provider.calls.map((c) => c.tier)).toEqual(['priority']);
  });
});

describe('the hosted original policy (benchmark comparison)', () => {
  it('retries flex refusals until the window is spent, then starts standard', async () => {
    const plan: TierPlan = { kind: 'race', windowMs: 5_000, flexBudgetMs: 5_000, reserveMs: 0, probe: false, retry: 'until-deadline' };
    const { clock, provider, options } = setup({ flex: [{ kind: 'throw', error: refusal() }], standard: happyScript('standard') }, plan);
    const pending = openCommitted(options);
    await clock.advance(4_999);
    expect(provider.calls.every((c) => c.tier === 'flex')).toBe(true);
    expect(provider.calls.length).toBe(5);
    await clock.advance(1);
    const committed = await pending;
    expect(committed.route).toBe('flex_timeout');
    expect(provider.calls.at(-1)!.tier).toBe('standard');
  });
});

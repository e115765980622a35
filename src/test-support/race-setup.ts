// One routing test bench: a fake clock, a scripted provider, a client signal and in-process
// statistics on that clock, wired into the options the race and the plan run take.
import type { OpenOptions } from '../routing/flex-race.js';
import { createInProcessStats } from '../routing/stats.js';
import type { TierPlan } from '../routing/tier-plan.js';
import { FakeClock } from './fake-clock.js';
import { FakeProvider, type TierScripts, type TierWarnings } from './fake-provider.js';

export function raceSetup(scripts: TierScripts, plan: TierPlan, warnings: TierWarnings = {}) {
  const clock = new FakeClock();
  const provider = new FakeProvider(scripts, 'openai', warnings);
  const client = new AbortController();
  const stats = createInProcessStats({ now: () => clock.now() });
  const options: OpenOptions = {
    provider,
    request: { model: 'gpt-5-mini', input: [] },
    apiKey: 'k',
    plan,
    clientSignal: client.signal,
    clock,
    stats,
    statsKey: { provider: 'openai', model: 'gpt-5-mini' },
    // The retry jitter's midpoint, so backoffs are exact.
    random: () => 0.5,
  };
  return { clock, provider, client, stats, options };
}

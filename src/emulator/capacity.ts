// The capacity model: named profiles per provider × tier, overrides, and the seeded draws that
// decide each request's fate (refused, admitted after a delay, failing mid-stream).
//
// Defaults follow what is publicly known (docs/product.md §10): OpenAI flex admission took ~0.6–1 s in
// live tests, with 429 "Resource Unavailable" when capacity is short
// (https://platform.openai.com/docs/guides/flex-processing); Gemini flex is best-effort and
// sheddable, answering 503/429, with a latency target of minutes; standard tiers start within a few
// hundred milliseconds to a couple of seconds. Anthropic sells no flex tier.
//
// `calm` models idle capacity: no tier has a queue, so a request starts as fast on flex as on
// standard (the model's own start time, ~0.7 s p50, which matches the live flex figure), and flex
// only refuses now and then. `slow-flex` keeps flex healthy but slower to start than standard on
// every request (OpenAI flex 0.75 s against standard 0.35 s; Gemini flex seconds against standard
// sub-second): what a policy costs in start latency when flex itself is slower.
import type { Rng } from './rng.js';
import type {
  CapacityOverride,
  CapacityProfileName,
  EmulatedApi,
  TierCapacity,
  TierClass,
} from './types.js';

export const PROFILE_NAMES: readonly CapacityProfileName[] = ['instant', 'calm', 'slow-flex', 'congested', 'outage', 'flapping'];

/** Flapping alternates flex between available and outage every this many (scaled) milliseconds. */
export const FLAP_PERIOD_MS = 10_000;

type TierTable = Record<TierClass, TierCapacity>;
type ProfileTable = Record<EmulatedApi, TierTable>;

function tier(p50: number, p99: number, rest: Partial<TierCapacity> = {}): TierCapacity {
  return {
    admissionDelayMs: { p50, p99 },
    refusalRate: 0,
    outage: false,
    midstreamFailureRate: 0,
    tokensPerSecond: 120,
    ...rest,
  };
}

const INSTANT_TIER = tier(0, 0, { tokensPerSecond: Infinity });
const INSTANT: ProfileTable = {
  openai: { flex: INSTANT_TIER, standard: INSTANT_TIER, priority: INSTANT_TIER },
  gemini: { flex: INSTANT_TIER, standard: INSTANT_TIER, priority: INSTANT_TIER },
  anthropic: { flex: INSTANT_TIER, standard: INSTANT_TIER, priority: INSTANT_TIER },
};

const CALM: ProfileTable = {
  openai: {
    flex: tier(700, 1_500, { refusalRate: 0.02, tokensPerSecond: 60 }),
    standard: tier(700, 1_500, { tokensPerSecond: 100 }),
    priority: tier(400, 900, { tokensPerSecond: 150 }),
  },
  gemini: {
    flex: tier(800, 2_000, { refusalRate: 0.05, tokensPerSecond: 80 }),
    standard: tier(800, 2_000, { tokensPerSecond: 120 }),
    priority: tier(450, 1_000, { tokensPerSecond: 160 }),
  },
  anthropic: {
    flex: tier(500, 1_500, { outage: true }),
    standard: tier(500, 1_500, { tokensPerSecond: 80 }),
    priority: tier(300, 900, { tokensPerSecond: 100 }),
  },
};

const SLOW_FLEX: ProfileTable = {
  openai: {
    flex: tier(750, 1_100, { refusalRate: 0.02, tokensPerSecond: 60 }),
    standard: tier(350, 800, { tokensPerSecond: 100 }),
    priority: tier(200, 450, { tokensPerSecond: 150 }),
  },
  gemini: {
    flex: tier(3_000, 20_000, { refusalRate: 0.05, tokensPerSecond: 80 }),
    standard: tier(400, 1_500, { tokensPerSecond: 120 }),
    priority: tier(250, 700, { tokensPerSecond: 160 }),
  },
  anthropic: CALM.anthropic,
};

const CONGESTED: ProfileTable = {
  openai: {
    flex: tier(8_000, 60_000, { refusalRate: 0.3, midstreamFailureRate: 0.02, tokensPerSecond: 30 }),
    standard: tier(800, 2_500, { tokensPerSecond: 60 }),
    priority: tier(300, 800, { tokensPerSecond: 120 }),
  },
  gemini: {
    flex: tier(60_000, 600_000, { refusalRate: 0.4, midstreamFailureRate: 0.02, tokensPerSecond: 40 }),
    standard: tier(1_000, 3_000, { tokensPerSecond: 80 }),
    priority: tier(400, 1_000, { tokensPerSecond: 120 }),
  },
  anthropic: {
    flex: tier(1_000, 3_000, { outage: true }),
    standard: tier(1_000, 3_000, { refusalRate: 0.05, tokensPerSecond: 50 }),
    priority: tier(500, 1_500, { tokensPerSecond: 80 }),
  },
};

function withFlexOutage(table: ProfileTable): ProfileTable {
  const down = (t: TierTable): TierTable => ({ ...t, flex: { ...t.flex, outage: true } });
  return { openai: down(table.openai), gemini: down(table.gemini), anthropic: down(table.anthropic) };
}

const OUTAGE = withFlexOutage(CALM);

/** The profile's capacity for one provider × tier class at `elapsedMs` since the emulator started. */
export function profileCapacity(args: {
  profile: CapacityProfileName;
  api: EmulatedApi;
  tierClass: TierClass;
  elapsedMs: number;
  timeScale: number;
}): TierCapacity {
  switch (args.profile) {
    case 'instant':
      return INSTANT[args.api][args.tierClass];
    case 'calm':
      return CALM[args.api][args.tierClass];
    case 'slow-flex':
      return SLOW_FLEX[args.api][args.tierClass];
    case 'congested':
      return CONGESTED[args.api][args.tierClass];
    case 'outage':
      return OUTAGE[args.api][args.tierClass];
    case 'flapping': {
      const period = Math.max(1, FLAP_PERIOD_MS * args.timeScale);
      const down = Math.floor(args.elapsedMs / period) % 2 === 1;
      return down ? OUTAGE[args.api][args.tierClass] : CALM[args.api][args.tierClass];
    }
  }
}

function overrideMatches(
  o: CapacityOverride,
  target: { api: EmulatedApi; model: string; tier: string; tierClass: TierClass },
): boolean {
  if (o.provider !== undefined && o.provider !== target.api) return false;
  if (o.model !== undefined && o.model !== '*' && o.model !== target.model) return false;
  if (o.tier !== undefined && o.tier !== target.tier && o.tier !== target.tierClass) return false;
  return true;
}

export function resolveCapacity(args: {
  profile: CapacityProfileName;
  overrides: readonly CapacityOverride[];
  api: EmulatedApi;
  model: string;
  tier: string;
  tierClass: TierClass;
  elapsedMs: number;
  timeScale: number;
}): TierCapacity {
  let capacity = profileCapacity(args);
  for (const o of args.overrides) {
    if (overrideMatches(o, args)) capacity = { ...capacity, ...o.set };
  }
  return capacity;
}

/**
 * Log-normal sample with the given median and 99th percentile (z99 ≈ 2.326), clamped to twice
 * the p99 so a single draw cannot stall a run.
 */
export function sampleDelayMs(dist: { p50: number; p99: number }, rng: Rng): number {
  const z = rng.normal();
  if (dist.p50 <= 0) return 0;
  if (dist.p99 <= dist.p50) return dist.p50;
  const sigma = Math.log(dist.p99 / dist.p50) / 2.326;
  return Math.min(dist.p50 * Math.exp(sigma * z), dist.p99 * 2);
}

/** What the capacity model decided for one request, before any scripted directive applies. */
export interface CapacityDraw {
  refused: boolean;
  admissionDelayMs: number;
  failMidstream: boolean;
  tokensPerSecond: number;
  outage: boolean;
}

/** Draws in a fixed order so the sequence depends only on the rng, never on which branch ran. */
export function drawCapacity(capacity: TierCapacity, rng: Rng, timeScale: number): CapacityDraw {
  const refusalDraw = rng.next();
  const delay = sampleDelayMs(capacity.admissionDelayMs, rng);
  const failDraw = rng.next();
  return {
    refused: capacity.outage || refusalDraw < capacity.refusalRate,
    outage: capacity.outage,
    admissionDelayMs: delay * timeScale,
    failMidstream: failDraw < capacity.midstreamFailureRate,
    tokensPerSecond: capacity.tokensPerSecond,
  };
}

// The fault suite: every upstream failure the gateway must survive, × streamed and non-streamed ×
// each provider and tier kind, through the real gateway, with a byte-level fault proxy in front of
// the real emulator. Each case must end in a correct answer or a dialect-correct error, within the
// configured timeouts plus its window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { createInProcessStats } from '../../src/routing/stats.js';
import type { Harness } from '../e2e/harness.js';
import { startHarness } from '../e2e/harness.js';
import type { CallerAnswer, SurfaceName } from './callers.js';
import { SURFACES, callerRequest, expectErrorEnvelope, expectStreamError, expectSuccess, send } from './callers.js';
import type { Fault, FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';

const HEADERS_TIMEOUT_MS = 1_000;
const IDLE_TIMEOUT_MS = 1_500;
/** An upstream pause shorter than the idle timeout, bridged by heartbeats to the caller. */
const PAUSE_MS = 700;
const HEARTBEAT_MS = 200;
/** Slack for a loaded machine on top of the timeouts and the window. */
const SLACK_MS = 4_000;
const FLEX_WINDOW = '00h-00m-05s';

type Provider = 'openai' | 'gemini' | 'anthropic';
type TierKind = 'default' | 'priority' | 'auto' | 'flex';

const MODELS: Record<Provider, string> = { openai: 'gpt-5-mini', gemini: 'gemini-2.5-flash', anthropic: 'claude-sonnet-4-5' };
const TIER_KINDS: Record<Provider, readonly TierKind[]> = {
  openai: ['default', 'priority', 'auto', 'flex'],
  gemini: ['default', 'priority', 'flex'],
  anthropic: ['default', 'priority', 'auto'],
};

type Expected = { kind: 'ok' } | { kind: 'error'; statuses: readonly number[] } | { kind: 'stream_error' };

interface Scenario {
  name: string;
  /** The fault on the failing attempts: every attempt on a direct tier, the flex attempt in a race. */
  fault: Fault;
  /** Directives beyond the default placement (e.g. standard failing too). */
  directives?: (tier: TierKind) => string;
  expect: (tier: TierKind, stream: boolean) => Expected;
  /** More to check on the caller's answer. */
  check?: (answer: CallerAnswer, stream: boolean) => void;
}

const ok: Expected = { kind: 'ok' };
const error = (...statuses: number[]): Expected => ({ kind: 'error', statuses });
/** Fails before anything was committed: a race falls back to standard, a direct call answers the error. */
const beforeCommit = (...statuses: number[]) => (tier: TierKind): Expected => (tier === 'flex' ? ok : error(...statuses));
/**
 * Fails after content was sent upstream: a stream ends with an error event; a non-streamed race
 * re-runs on standard; a non-streamed direct call answers the error.
 */
const afterCommit = (...statuses: number[]) => (tier: TierKind, stream: boolean): Expected =>
  stream ? { kind: 'stream_error' } : tier === 'flex' ? ok : error(...statuses);

export const SCENARIOS: readonly Scenario[] = [
  { name: 'healthy upstream', fault: 'pass', expect: () => ok },
  { name: 'silent before the headers', fault: 'silent_headers', expect: beforeCommit(504) },
  { name: 'silent after the headers', fault: 'silent_body', expect: beforeCommit(504) },
  { name: 'stalled mid-stream', fault: 'stall', expect: afterCommit(504) },
  { name: 'a trickle that never completes an event', fault: 'trickle', expect: afterCommit(504) },
  {
    name: 'a pause shorter than the idle timeout',
    fault: 'pause',
    expect: () => ok,
    // A started stream gets SSE comments while the upstream pauses.
    check: (answer, stream) => (stream ? expect(answer.text).toMatch(/^: keep-alive$/m) : undefined),
  },
  { name: 'cut after the terminal event', fault: 'cut_after_terminal', expect: () => ok },
  { name: 'cut before the terminal event', fault: 'cut', expect: afterCommit(502) },
  { name: 'malformed SSE after content', fault: 'malformed', expect: afterCommit(502) },
  { name: 'in-stream error after content', fault: 'error_after_content', expect: afterCommit(500) },
  { name: '429 with Retry-After', fault: 'http_429', expect: beforeCommit(429) },
  { name: '503', fault: 'http_503', expect: beforeCommit(503) },
  { name: '500', fault: 'http_500', expect: beforeCommit(500) },
  { name: 'HTML error page', fault: 'html', expect: beforeCommit(502) },
  { name: 'non-SSE 200', fault: 'non_sse_200', expect: beforeCommit(502) },
  { name: 'connection reset before the answer', fault: 'reset', expect: beforeCommit(502, 503) },
  {
    name: '500 on standard after a flex refusal',
    fault: 'http_429',
    directives: (tier) => (tier === 'flex' ? '[fault:flex=http_429][fault:standard=http_500]' : '[fault:http_500]'),
    expect: () => error(500),
  },
];

interface Case {
  id: string;
  scenario: Scenario;
  provider: Provider;
  tier: TierKind;
  stream: boolean;
  surface: SurfaceName;
}

function casesOf(scenarios: readonly Scenario[], prefix: string): Case[] {
  const cases: Case[] = [];
  for (const scenario of scenarios) {
    for (const provider of ['openai', 'gemini', 'anthropic'] as const) {
      for (const tier of TIER_KINDS[provider]) {
        for (const stream of [false, true]) {
          // Every surface meets every provider and fault; rotating keeps the suite to minutes.
          const surface = SURFACES[(Math.floor(cases.length / 2) + (stream ? 2 : 0) + scenarios.indexOf(scenario)) % SURFACES.length] as SurfaceName;
          cases.push({ id: `${prefix}${cases.length}`, scenario, provider, tier, stream, surface });
        }
      }
    }
  }
  return cases;
}

function promptOf(c: Case): string {
  const placement = c.tier === 'flex' ? `[fault:flex=${c.scenario.fault}]` : `[fault:${c.scenario.fault}]`;
  return `Fault case ${c.id} [case:${c.id}] ${c.scenario.directives?.(c.tier) ?? placement}`;
}

function windowMs(tier: TierKind): number {
  return tier === 'flex' ? 5_000 : 0;
}

let emulator: RunningEmulator;
let proxy: FaultProxy;
let h: Harness;
const learned = createInProcessStats({ now: () => performance.now() });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', profile: 'instant', seed: 13 });
  proxy = await startFaultProxy({ upstream: emulator.url, pauseMs: PAUSE_MS });
  h = await startHarness({
    // Flex fails on purpose in most cases here, so the gateway learns to skip it; every predicted
    // miss still probes flex (the probe share's draw is always taken), and standard's start reserve
    // is pinned at 1 s (the suite tests faults, not learning: standard starts slowed by hundreds of
    // concurrent cases must not grow it past the 5 s window), so each flex case meets its fault.
    gateway: { random: () => 0, stats: { ...learned, standardReserveMs: () => 1_000 } },
    env: {
      OPENAI_BASE_URL: `${proxy.url}/v1`,
      GEMINI_BASE_URL: proxy.url,
      ANTHROPIC_BASE_URL: proxy.url,
      FLEX_UPSTREAM_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      FLEX_UPSTREAM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      FLEX_STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS),
    },
  });
});
afterAll(async () => {
  await h.close();
  await proxy.close();
  await emulator.close();
});

async function runCase(c: Case): Promise<void> {
  const request = callerRequest(c.surface, { model: MODELS[c.provider], text: promptOf(c), stream: c.stream, startWithin: c.tier === 'flex' ? FLEX_WINDOW : c.tier });
  const answer = await send(h.url, h.key, request);
  const expected = c.scenario.expect(c.tier, c.stream);
  switch (expected.kind) {
    case 'ok':
      expectSuccess(c.surface, c.stream, answer);
      break;
    case 'error':
      expectErrorEnvelope(c.surface, answer, expected.statuses);
      break;
    case 'stream_error':
      expectStreamError(c.surface, answer);
      break;
  }
  c.scenario.check?.(answer, c.stream);
  expect(answer.ms).toBeLessThan(HEADERS_TIMEOUT_MS + IDLE_TIMEOUT_MS + windowMs(c.tier) + SLACK_MS);
  // The fault was really met by this case's attempts.
  expect(proxy.records.some((r) => r.caseId === c.id)).toBe(true);
}

describe.concurrent('upstream faults through the gateway', () => {
  for (const c of casesOf(SCENARIOS, 'f')) {
    const label = `${c.scenario.name} · ${c.provider} ${c.tier} · ${c.stream ? 'streamed' : 'non-streamed'} · /${c.surface}`;
    it(label, () => runCase(c), 30_000);
  }
});

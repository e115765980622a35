// Public types of the provider emulator: a real HTTP server that speaks the three upstream APIs
// FlexInference calls, with a controllable capacity model (docs/product.md §10).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type EmulatedApi = 'openai' | 'gemini' | 'anthropic';

export type CapacityProfileName = 'instant' | 'calm' | 'slow-flex' | 'congested' | 'outage' | 'flapping';

/** The tier family a request lands in, whatever the provider calls it. */
export type TierClass = 'flex' | 'standard' | 'priority';

export interface TierCapacity {
  /** Time from request to the first output event; log-normal-ish, sampled from the seeded PRNG. */
  admissionDelayMs: { p50: number; p99: number };
  /**
   * 0..1: share answered with the capacity refusal (OpenAI flex 429 resource_unavailable; Gemini
   * flex 503/429; Anthropic 529 overloaded_error).
   */
  refusalRate: number;
  /** Every request refused (flex) / 503 (standard and priority). */
  outage: boolean;
  /** 0..1: share of admitted requests that fail after part of the output was sent. */
  midstreamFailureRate: number;
  /** Output pacing; Infinity = no pacing (the whole answer is written at once). */
  tokensPerSecond: number;
}

export interface CapacityOverride {
  provider?: EmulatedApi;
  /** Exact model name, or '*' (or absent) for every model. */
  model?: string;
  /** Tier as the provider names it (`flex`, `default`, `standard_only`, …) or its class (`standard`). */
  tier?: string;
  set: Partial<TierCapacity>;
}

export interface EmulatorOptions {
  /** Default 1. */
  seed?: number;
  /** Default 'calm'. */
  profile?: CapacityProfileName;
  /** Multiplies every modelled delay (0.01 = 100x faster). Scripted `[emulate:*delay=ms]` are literal. Default 1. */
  timeScale?: number;
  /** Per provider × model × tier overrides, applied in order on top of the profile. */
  capacity?: CapacityOverride[];
  /** Keep only the most recent N entries in `requests` (long-running servers); default unlimited. */
  logLimit?: number;
}

export type RequestOutcome = 'completed' | 'refused' | 'error' | 'aborted' | 'failed_midstream' | 'pending';

export interface EmulatorRequestLog {
  api: EmulatedApi;
  model: string;
  /** The tier as the provider names it after defaults (OpenAI `auto` → `default`). */
  tier: string;
  stream: boolean;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  outcome: RequestOutcome;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** When the admission delay ended: first output event written (stream) or generation began (non-stream). */
  admittedAt?: number;
  endedAt?: number;
}

export interface EmulatorState {
  /** Every routed request, in arrival order. */
  readonly requests: EmulatorRequestLog[];
  readonly options: Readonly<Required<EmulatorOptions>>;
  /** Change profile, overrides, time scale or seed live (a new seed restarts the PRNG sequences). */
  configure(options: Partial<EmulatorOptions>): void;
  /** Aborts every request in flight: timers cleared, sockets destroyed. */
  abortAll(): void;
}

export interface EmulatorHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  state: EmulatorState;
}

export interface RunningEmulator {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  requests: EmulatorRequestLog[];
  configure(options: Partial<EmulatorOptions>): void;
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}

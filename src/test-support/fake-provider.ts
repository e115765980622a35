// A scripted provider for routing tests: each call's script says what happens when.
import type { CanonicalResponse, CanonicalStreamEvent, ProviderName, RequestedTier, Warning } from '../canonical/types.js';
import type { Provider, ProviderCall, ProviderStream } from '../providers/provider.js';

export type Step =
  | { kind: 'event'; event: CanonicalStreamEvent }
  | { kind: 'wait'; until: Promise<void> }
  | { kind: 'throw'; error: unknown };

export interface RecordedCall {
  tier: RequestedTier;
  signal: AbortSignal;
  /** Set when the consumer stopped or the signal fired before the script finished. */
  aborted: boolean;
}

export function completedResponse(tier: CanonicalResponse['servedTier'], text = 'hello'): CanonicalResponse {
  return {
    id: 'resp_1',
    model: 'gpt-5-mini',
    createdAt: 1,
    status: 'completed',
    finishReason: { type: 'stop' },
    output: [
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] },
    ],
    usage: { inputTokens: 10, cachedTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    servedTier: tier,
    provider: 'openai',
  };
}

/** created → admitted → text → completed, for the given tier. */
export function happyScript(tier: CanonicalResponse['servedTier']): Step[] {
  return [
    { kind: 'event', event: { type: 'response.created', id: 'resp_1', model: 'gpt-5-mini', createdAt: 1 } },
    { kind: 'event', event: { type: 'admitted' } },
    { kind: 'event', event: { type: 'text.delta', outputIndex: 0, contentIndex: 0, delta: 'hello' } },
    { kind: 'event', event: { type: 'response.completed', response: completedResponse(tier) } },
  ];
}

/** One script for every call on a tier, or one per call in order (the last one repeats). */
export type TierScripts = Partial<Record<RequestedTier, Step[] | { calls: Step[][] }>>;

/** What the conversion for each tier "changed" (a real provider's depend on the tier only through its rules). */
export type TierWarnings = Partial<Record<RequestedTier, Warning[]>>;

export class FakeProvider implements Provider {
  readonly calls: RecordedCall[] = [];
  constructor(
    private readonly scripts: TierScripts,
    readonly name: ProviderName = 'openai',
    private readonly warnings: TierWarnings = {},
  ) {}

  stream(call: ProviderCall): ProviderStream {
    const record: RecordedCall = { tier: call.tier, signal: call.signal, aborted: false };
    const nth = this.calls.filter((c) => c.tier === call.tier).length;
    this.calls.push(record);
    const entry = this.scripts[call.tier] ?? [];
    const script = Array.isArray(entry) ? entry : (entry.calls[Math.min(nth, entry.calls.length - 1)] ?? []);
    const events = run(script, call.signal, record);
    return { warnings: this.warnings[call.tier] ?? [], [Symbol.asyncIterator]: () => events };
  }
}

function abortable(p: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

async function* run(script: Step[], signal: AbortSignal, record: RecordedCall): AsyncGenerator<CanonicalStreamEvent> {
  let finished = false;
  let scriptThrew = false;
  try {
    for (const step of script) {
      if (signal.aborted) throw signal.reason;
      switch (step.kind) {
        case 'event':
          yield step.event;
          break;
        case 'wait':
          await abortable(step.until, signal);
          break;
        case 'throw':
          scriptThrew = true;
          throw step.error;
      }
    }
    finished = true;
  } finally {
    // Stopped early by an abort or by the consumer returning, not by the script's own error.
    if (!finished && !scriptThrew) record.aborted = true;
  }
}

/** A promise with its resolver, for scripting "until the test says so". */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

// Mutable emulator state: options (changeable live), the request log, per-key PRNG sequences and
// the requests in flight (so close() can stop every timer and socket).
import type { ServerResponse } from 'node:http';
import { createRng, hashParts, type Rng } from './rng.js';
import type { EmulatorOptions, EmulatorRequestLog, EmulatorState } from './types.js';

export interface InternalState extends EmulatorState {
  /** Epoch ms when the emulator was created (the flapping profile's clock). */
  readonly startedAt: number;
  /**
   * A generator for one request. Identical requests get successive draws of the same sequence,
   * so a run's delays and refusals depend on the seed and on each key's request order only, not
   * on how concurrent requests interleave. Repeats are counted per `scope` (a tier, say) while the
   * draw depends on the key and the count only: the first call in each scope draws the same.
   */
  rngFor(key: readonly (string | number)[], scope?: string): Rng;
  /** Appends to the request log, dropping the oldest entries beyond `logLimit`. */
  log(entry: EmulatorRequestLog): void;
  /** Registers a request in flight; the returned function unregisters it. */
  track(controller: AbortController, res: ServerResponse): () => void;
}

const DEFAULTS: Required<EmulatorOptions> = { seed: 1, profile: 'calm', timeScale: 1, capacity: [], logLimit: Infinity };

export function createState(options: EmulatorOptions = {}): InternalState {
  let resolved: Required<EmulatorOptions> = { ...DEFAULTS, ...definedOnly(options) };
  const counters = new Map<number, number>();
  const inFlight = new Map<AbortController, ServerResponse>();
  const requests: EmulatorRequestLog[] = [];
  return {
    requests,
    startedAt: Date.now(),
    get options() {
      return resolved;
    },
    configure(update) {
      const next = { ...resolved, ...definedOnly(update) };
      if (next.seed !== resolved.seed) counters.clear();
      resolved = next;
    },
    abortAll() {
      for (const [controller, res] of inFlight) {
        controller.abort();
        res.destroy();
      }
      inFlight.clear();
    },
    rngFor(key, scope = '') {
      const base = hashParts(resolved.seed, ...key);
      const counter = hashParts(base, scope);
      const n = counters.get(counter) ?? 0;
      counters.set(counter, n + 1);
      return createRng(hashParts(base, n));
    },
    log(entry) {
      requests.push(entry);
      const excess = requests.length - resolved.logLimit;
      if (excess > 0) requests.splice(0, excess);
    },
    track(controller, res) {
      inFlight.set(controller, res);
      return () => {
        inFlight.delete(controller);
      };
    },
  };
}

function definedOnly(options: Partial<EmulatorOptions>): Partial<EmulatorOptions> {
  const out: Partial<EmulatorOptions> = {};
  if (options.seed !== undefined) out.seed = options.seed;
  if (options.profile !== undefined) out.profile = options.profile;
  if (options.timeScale !== undefined) out.timeScale = options.timeScale;
  if (options.capacity !== undefined) out.capacity = options.capacity;
  if (options.logLimit !== undefined) out.logLimit = options.logLimit;
  return out;
}

// Server-sent-event framing, abortable sleeps and paced writing.
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
import type { ServerResponse } from 'node:http';

/** One SSE event, already framed; `tokens` is how many output tokens it carries (for pacing). */
export interface Frame {
  text: string;
  tokens: number;
}

/** `event: <name>\ndata: <json><pad>\n\n` — `pad` reproduces Anthropic's trailing spaces. */
export function sseFrame(event: string, data: unknown, tokens = 0, pad = ''): Frame {
  return { text: `event: ${event}\ndata: ${JSON.stringify(data)}${pad}\n\n`, tokens };
}

export function rawFrame(text: string, tokens = 0): Frame {
  return { text, tokens };
}

/** setTimeout's ceiling (2^31 - 1 ms); longer delays would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** Resolves true after `ms`, or false as soon as `signal` aborts (the timer is cleared). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  const delay = Math.min(ms, MAX_TIMER_MS);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, delay);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts (used by `[emulate:silence]`). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Below this gap, frames due close together are written in one batch (no per-chunk timers). */
const BATCH_MS = 15;

/**
 * Writes frames at `tokensPerSecond` (scaled by `timeScale`). With no pacing everything is written
 * in one call. Returns false if aborted before the end.
 */
export async function writePaced(
  res: ServerResponse,
  frames: readonly Frame[],
  pacing: { tokensPerSecond: number; timeScale: number; signal: AbortSignal },
): Promise<boolean> {
  const msPerToken = Number.isFinite(pacing.tokensPerSecond) && pacing.tokensPerSecond > 0
    ? (1000 / pacing.tokensPerSecond) * pacing.timeScale
    : 0;
  if (msPerToken === 0) {
    if (pacing.signal.aborted) return false;
    res.write(frames.map((f) => f.text).join(''));
    return true;
  }
  const start = Date.now();
  let due = 0;
  let batch = '';
  for (const frame of frames) {
    due += frame.tokens * msPerToken;
    const wait = due - (Date.now() - start);
    if (wait > BATCH_MS) {
      if (batch !== '') res.write(batch);
      batch = '';
      if (!(await sleep(wait, pacing.signal))) return false;
    }
    batch += frame.text;
  }
  if (pacing.signal.aborted) return false;
  if (batch !== '') res.write(batch);
  return true;
}

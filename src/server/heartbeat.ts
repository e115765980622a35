// A started event stream stays alive through upstream pauses: after `everyMs` without a byte, an
// SSE comment (ignored by every SSE client, https://html.spec.whatwg.org/multipage/server-sent-events.html)
// goes out, so proxies and load balancers in between do not cut an idle-looking connection.
import type { ServerResponse } from 'node:http';

export interface Heartbeat {
  /** Bytes were just written to the caller. */
  wrote(): void;
  stop(): void;
}

const COMMENT = ': keep-alive\n\n';

/**
 * One timer per stream, never one per write: `wrote` only records the time, and when the timer
 * fires it either writes a comment or re-arms itself for the time still left.
 */
export function startHeartbeat(res: ServerResponse, everyMs: number): Heartbeat {
  if (everyMs <= 0) return { wrote: () => undefined, stop: () => undefined };
  let last = performance.now();
  const check = (): void => {
    const quiet = performance.now() - last;
    if (quiet < everyMs) {
      timer = setTimeout(check, everyMs - quiet).unref();
      return;
    }
    // A caller that is not reading gets nothing more piled up.
    if (!res.writableEnded && !res.destroyed && !res.writableNeedDrain) res.write(COMMENT);
    last = performance.now();
    timer = setTimeout(check, everyMs).unref();
  };
  let timer = setTimeout(check, everyMs).unref();
  return {
    wrote: () => {
      last = performance.now();
    },
    stop: () => clearTimeout(timer),
  };
}

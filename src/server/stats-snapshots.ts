// The learned flex statistics survive a restart: loaded from the store at start, saved there
// periodically and at a graceful stop, so a deploy does not fall back to the defaults and
// re-learn from scratch. Samples are kept with their age, and age by the time the gateway was down.
import type { Logger } from 'pino';
import type { FlexStats } from '../routing/stats.js';
import type { Store } from '../store/store.js';

export interface StatsSnapshots {
  /** Saves once more and stops the timer. */
  stop(): void;
}

export function keepStatsSnapshots(options: { stats: FlexStats; store: Store; log: Logger; everyMs: number }): StatsSnapshots {
  const { stats, store, log } = options;
  load(stats, store, log);
  const save = (): void => {
    try {
      store.saveFlexStats(JSON.stringify(stats.snapshot()));
    } catch (err) {
      log.warn({ err: String(err) }, 'could not save the flex statistics snapshot; will try again');
    }
  };
  const timer = options.everyMs > 0 ? setInterval(save, options.everyMs) : undefined;
  timer?.unref();
  return {
    stop() {
      if (timer) clearInterval(timer);
      if (options.everyMs > 0) save();
    },
  };
}

function load(stats: FlexStats, store: Store, log: Logger): void {
  let text: string | undefined;
  try {
    text = store.loadFlexStats();
  } catch (err) {
    log.warn({ err: String(err) }, 'could not read the flex statistics snapshot; starting from the defaults');
    return;
  }
  if (text === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    log.warn('the saved flex statistics snapshot is not valid JSON; starting from the defaults');
    return;
  }
  const restored = stats.restore(parsed);
  log.info({ samples: restored }, 'flex statistics restored from the last snapshot');
}

// The learned flex statistics survive a restart: loaded from the store at start, saved there
// periodically and at a graceful stop, so a deploy does not fall back to the defaults and
// re-learn from scratch. Samples are kept with their age, and age by the time the gateway was down.
import type { Logger } from 'pino';
import type { FlexStats } from '../routing/stats.js';
import type { Store } from '../store/store.js';

/** The store's deployment-wide value holding the snapshot. */
const SNAPSHOT = 'flex_stats_snapshot';

export interface StatsSnapshots {
  /** Stops the timer and saves once more. */
  stop(): Promise<void>;
}

export async function keepStatsSnapshots(options: { stats: FlexStats; store: Store; log: Logger; everyMs: number }): Promise<StatsSnapshots> {
  const { stats, store, log } = options;
  await load(stats, store, log);
  let saving: Promise<void> | undefined;
  const save = async (): Promise<void> => {
    try {
      await store.setMeta(SNAPSHOT, JSON.stringify(stats.snapshot()));
    } catch (err) {
      log.warn({ err: String(err) }, 'could not save the flex statistics snapshot; will try again');
    }
  };
  const timer =
    options.everyMs > 0
      ? setInterval(() => {
          // One save at a time: a slow store does not pile them up.
          saving ??= save().finally(() => (saving = undefined));
        }, options.everyMs)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await saving;
      if (options.everyMs > 0) await save();
    },
  };
}

async function load(stats: FlexStats, store: Store, log: Logger): Promise<void> {
  let text: string | undefined;
  try {
    text = await store.getMeta(SNAPSHOT);
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

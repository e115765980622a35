// Spend per API key in the current calendar month (UTC), for monthly budgets. Read from the ledger
// through the store, kept in memory between reads and advanced by every row the ledger closes, so
// the request path does not query the store per request.
import type { Store, UsageRow } from '../store/store.js';

/** The first instant of the month containing `ms`, and of the next one (when a budget resets). */
export function monthBounds(ms: number): { start: Date; next: Date } {
  const d = new Date(ms);
  return {
    start: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)),
    next: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)),
  };
}

interface Entry {
  month: number;
  spendUsd: number;
  loadedAt: number;
}

export interface SpendTracker {
  /** USD spent by the key since the start of the current month. */
  monthSpend(keyId: string): Promise<number>;
  /** Feeds a closed ledger row (subscribe it to the ledger). */
  observe(row: UsageRow): void;
}

export function createSpendTracker(options: {
  store: Pick<Store, 'aggregateUsage'>;
  /** Wall-clock ms (months are calendar months). */
  now: () => number;
  /** Commits the ledger's pending rows so a read sees them. */
  flushLedger: () => Promise<void>;
  /** How long a read from the store is trusted (other instances' rows arrive at most this late). */
  refreshMs?: number;
}): SpendTracker {
  const refreshMs = options.refreshMs ?? 5_000;
  const entries = new Map<string, Entry>();
  const load = async (keyId: string, now: number, month: Date): Promise<Entry> => {
    await options.flushLedger();
    const rows = await options.store.aggregateUsage({ keyId, since: month.toISOString() });
    const entry = { month: month.getTime(), spendUsd: rows.reduce((sum, r) => sum + r.spendUsd, 0), loadedAt: now };
    if (entries.size >= 50_000) entries.clear();
    entries.set(keyId, entry);
    return entry;
  };
  return {
    async monthSpend(keyId) {
      const now = options.now();
      const { start } = monthBounds(now);
      const entry = entries.get(keyId);
      if (entry && entry.month === start.getTime() && now - entry.loadedAt < refreshMs) return entry.spendUsd;
      return (await load(keyId, now, start)).spendUsd;
    },
    observe(row) {
      const entry = entries.get(row.keyId);
      if (entry && Date.parse(row.createdAt) >= entry.month) entry.spendUsd += row.costUsd;
    },
  };
}

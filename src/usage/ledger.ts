// The usage ledger: one row per request, opened when it starts and closed when it ends, with cost at
// the served tier, cost had it run on standard, and the saving.
import type { ProviderName, ServedTier, Usage } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import { priceFor } from '../catalog/catalog.js';
import type { Store, UsageRow } from '../store/store.js';
import type { LedgerJournal } from './journal.js';

export interface LedgerEntryStart {
  requestId: string;
  orgId: string;
  keyId: string;
  surface: string;
  provider: ProviderName;
  model: string;
  startWithin: string;
}

export interface LedgerEntryEnd {
  status: 'completed' | 'failed' | 'disconnected';
  servedTier: ServedTier | null;
  route: string;
  errorCode: string | null;
  admissionMs: number | null;
  firstByteMs: number | null;
  durationMs: number;
  usage: Usage | null;
}

export function costUsd(catalog: ModelCatalog, model: string, tier: ServedTier, usage: Usage): number {
  const entry = catalog.get(model);
  if (!entry) return 0;
  const price = priceFor(entry, tier);
  const uncached = Math.max(0, usage.inputTokens - usage.cachedTokens);
  return (uncached * price.input + usage.cachedTokens * price.cached_input + usage.outputTokens * price.output) / 1e6;
}

/**
 * Rows are written in group commits: every row opened or closed within a short interval goes to the
 * store in one transaction, and a request that opens and closes within it costs a single row
 * write. The hot path pays one transaction per interval instead of two per request. Each row is
 * first appended to the crash journal (one synchronous file write), which is emptied after every
 * commit and replayed at the next start, so a hard kill loses no row. `flush()` also runs on
 * shutdown and at process exit.
 */
export const LEDGER_FLUSH_MS = 20;

export class Ledger {
  private pending = new Map<string, UsageRow>();
  private scheduled = false;
  private closed = false;
  private readonly closedListeners: ((row: UsageRow) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly journal?: LedgerJournal,
  ) {}

  flush(): void {
    this.scheduled = false;
    if (this.closed || this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    try {
      this.store.upsertUsage(rows);
    } catch (err) {
      // Keep the rows (newer versions win) and try again on the next write or flush.
      for (const row of rows) if (!this.pending.has(row.requestId)) this.pending.set(row.requestId, row);
      this.onError(err);
      return;
    }
    try {
      this.journal?.clear();
    } catch (err) {
      this.onError(err); // the rows are committed; the journal only replays them again
    }
  }

  /** Rows waiting for the next group commit. */
  get queueDepth(): number {
    return this.pending.size;
  }

  /** Bytes in the crash journal (0 without one). */
  get journalBytes(): number {
    return this.journal?.bytes() ?? 0;
  }

  /** Calls `listener` with every row as its request ends; returns the unsubscribe. */
  onClosed(listener: (row: UsageRow) => void): () => void {
    this.closedListeners.push(listener);
    return () => {
      const i = this.closedListeners.indexOf(listener);
      if (i >= 0) this.closedListeners.splice(i, 1);
    };
  }

  /** Final flush; later writes are ignored (the store is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
    // Rows that could not be committed stay in the journal for the next start.
    if (this.pending.size > 0) return;
    try {
      this.journal?.close();
    } catch (err) {
      this.onError(err);
    }
  }

  private write(row: UsageRow): void {
    if (this.closed) return;
    try {
      this.journal?.append(row);
    } catch (err) {
      this.onError(err); // the row still goes to the store with the next commit
    }
    this.pending.set(row.requestId, row);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), LEDGER_FLUSH_MS).unref();
  }

  /** Opens a request's row; the returned function closes it and returns the closed row (once). */
  open(start: LedgerEntryStart): (end: LedgerEntryEnd) => UsageRow | undefined {
    const base: UsageRow = {
      ...start,
      servedTier: null,
      route: 'pending',
      status: 'in_progress',
      errorCode: null,
      admissionMs: null,
      firstByteMs: null,
      durationMs: null,
      inputTokens: 0,
      cachedTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      costUsd: 0,
      standardCostUsd: 0,
      savingUsd: 0,
      createdAt: new Date().toISOString(),
    };
    this.write(base);
    let closed = false;
    return (end) => {
      if (closed) return undefined;
      closed = true;
      if (this.closed) return undefined; // the store is closing: the row is not recorded, so not reported
      const row = this.closedRow(base, end);
      this.write(row);
      for (const listener of this.closedListeners) {
        try {
          listener(row);
        } catch (err) {
          this.onError(err); // a listener must not break the request or the other listeners
        }
      }
      return row;
    };
  }

  private closedRow(base: UsageRow, end: LedgerEntryEnd): UsageRow {
    const usage = end.usage;
    const cost = usage && end.servedTier ? costUsd(this.catalog, base.model, end.servedTier, usage) : 0;
    const standardCost = usage ? costUsd(this.catalog, base.model, 'standard', usage) : 0;
    return {
      ...base,
      servedTier: end.servedTier,
      route: end.route,
      status: end.status,
      errorCode: end.errorCode,
      admissionMs: end.admissionMs,
      firstByteMs: end.firstByteMs,
      durationMs: end.durationMs,
      inputTokens: usage?.inputTokens ?? 0,
      cachedTokens: usage?.cachedTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      costUsd: cost,
      standardCostUsd: standardCost,
      savingUsd: standardCost - cost,
    };
  }
}

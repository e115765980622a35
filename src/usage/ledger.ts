// The usage ledger: one row per request, opened when it starts and closed when it ends, with cost at
// the served tier, cost had it run on standard, and the saving.
import type { ProviderName, Route, ServedTier, SurfaceName, Usage, Warning } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import { priceFor } from '../catalog/catalog.js';
import type { Store, UsageRow } from '../store/store.js';
import type { LedgerJournal } from './journal.js';

export interface LedgerEntryStart {
  requestId: string;
  orgId: string;
  keyId: string;
  surface: SurfaceName;
  provider: ProviderName;
  model: string;
  startWithin: string;
}

export interface LedgerEntryEnd {
  status: 'completed' | 'failed' | 'disconnected';
  servedTier: ServedTier | null;
  route: Route;
  errorCode: string | null;
  admissionMs: number | null;
  firstByteMs: number | null;
  durationMs: number;
  usage: Usage | null;
  /** What decoding and the serving attempt's conversion changed (the answer's header says the same). */
  warnings: readonly Warning[];
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
 * store in one transaction (one multi-row statement on Postgres), and a request that opens and
 * closes within it costs a single row write. The request path never waits on a commit: it appends
 * the row to the crash journal and goes on — a closed row with one synchronous file write before
 * its request's handler returns; opening rows together once per event-loop turn (one write for
 * every request that started in it), and not at all when their request closed in the same turn.
 * The journal holds every row not yet committed and is replayed at the next start, so a hard kill
 * loses no completed row and no row of a request cut off mid-way. When the store cannot take the
 * rows (a database gone away), they stay pending and in the journal, commits are retried every
 * `LEDGER_RETRY_MS`, and `waiting` says so (`/readyz` reports degraded).
 */
export const LEDGER_FLUSH_MS = 20;
export const LEDGER_RETRY_MS = 1_000;

export class Ledger {
  private pending = new Map<string, UsageRow>();
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  /** Rows of the commit under way. */
  private committingRows = 0;
  /** Opening rows not yet in the journal (written at the end of the event-loop turn). */
  private opening = new Map<string, UsageRow>();
  private openingScheduled = false;
  private closed = false;
  private failing = false;
  private readonly closedListeners: ((row: UsageRow) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly journal?: LedgerJournal,
  ) {}

  /** Rows waiting because the last commit failed; 0 when the store is keeping up. */
  get waiting(): number {
    return this.failing ? this.pending.size + this.committingRows : 0;
  }

  /** Commits every row written so far (waiting for a commit already under way). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.committing) await this.committing;
    if (this.pending.size === 0) return;
    this.committing = this.commit();
    try {
      await this.committing;
    } finally {
      this.committing = undefined;
    }
  }

  private async commit(): Promise<void> {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.committingRows = rows.length;
    try {
      await this.store.upsertUsage(rows);
    } catch (err) {
      // Keep the rows (newer versions win) and try again shortly; the journal still holds them all.
      for (const row of rows) if (!this.pending.has(row.requestId)) this.pending.set(row.requestId, row);
      if (!this.failing) this.onError(err);
      this.failing = true;
      this.schedule(LEDGER_RETRY_MS);
      return;
    } finally {
      this.committingRows = 0;
    }
    this.failing = false;
    try {
      // What arrived during the commit is still uncommitted: the journal keeps exactly those rows.
      this.journal?.clear();
      this.journal?.append(...this.pending.values());
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

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onError);
    }, ms);
    this.timer.unref();
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
  async close(): Promise<void> {
    this.journalOpened(); // kept for the next start if the final commit fails
    await this.flush();
    this.stop();
  }

  /**
   * Stops without waiting (process exit): later writes are ignored, and rows not committed stay
   * in the journal for the next start.
   */
  stop(): void {
    this.journalOpened();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size > 0 || this.committing) return;
    try {
      this.journal?.close();
    } catch (err) {
      this.onError(err);
    }
  }

  private write(row: UsageRow): void {
    if (this.closed) return;
    if (row.status === 'in_progress') this.journalOpening(row);
    else {
      this.opening.delete(row.requestId);
      this.appendToJournal([row]);
    }
    this.pending.set(row.requestId, row);
    this.schedule(LEDGER_FLUSH_MS);
  }

  private appendToJournal(rows: UsageRow[]): void {
    try {
      this.journal?.append(...rows);
    } catch (err) {
      this.onError(err); // the rows still go to the store with the next commit
    }
  }

  private journalOpening(row: UsageRow): void {
    if (!this.journal) return;
    this.opening.set(row.requestId, row);
    if (this.openingScheduled) return;
    this.openingScheduled = true;
    setImmediate(() => {
      this.openingScheduled = false;
      if (!this.closed) this.journalOpened();
    });
  }

  private journalOpened(): void {
    if (this.opening.size === 0) return;
    const rows = [...this.opening.values()];
    this.opening.clear();
    this.appendToJournal(rows);
  }

  /** Opens a request's row; the returned function closes it and returns the closed row (once). */
  open(start: LedgerEntryStart): (end: LedgerEntryEnd) => UsageRow | undefined {
    // Field by field, not `...start`: on Node 20 a spread followed by this many new fields builds
    // the row on a slow path (tens of microseconds per row, several % of a request's CPU).
    const base: UsageRow = {
      requestId: start.requestId,
      orgId: start.orgId,
      keyId: start.keyId,
      surface: start.surface,
      provider: start.provider,
      model: start.model,
      startWithin: start.startWithin,
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
      warnings: [],
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
      warnings: [...end.warnings],
    };
  }
}

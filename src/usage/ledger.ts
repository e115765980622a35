// The usage ledger: one row per request, opened when it starts and closed when it ends, with cost at
// the served tier, cost had it run on standard, and the saving.
import type { ProviderName, ServedTier, Usage } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import { priceFor } from '../catalog/catalog.js';
import type { Store, UsageRow } from '../store/store.js';

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

export class Ledger {
  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
  ) {}

  open(start: LedgerEntryStart): (end: LedgerEntryEnd) => void {
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
    this.store.upsertUsage(base);
    let closed = false;
    return (end) => {
      if (closed) return;
      closed = true;
      this.store.upsertUsage(this.close(base, end));
    };
  }

  private close(base: UsageRow, end: LedgerEntryEnd): UsageRow {
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

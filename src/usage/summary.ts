// Summaries of the usage ledger for `flexinference usage`, GET /v1/usage and the admin API.
import type { UsageTotals } from '../store/store.js';

export interface UsageGroup extends UsageTotals {
  flexShare: number;
}

export interface UsageSummary {
  total: UsageGroup;
  byModel: Record<string, UsageGroup>;
  byRoute: Record<string, UsageGroup>;
}

export function emptyGroup(): UsageGroup {
  return { requests: 0, flexServed: 0, flexShare: 0, spendUsd: 0, standardSpendUsd: 0, savingUsd: 0, deadlineRequests: 0, deadlineHits: 0 };
}

export function addTotals(group: UsageGroup, a: UsageTotals): void {
  group.requests += a.requests;
  group.flexServed += a.flexServed;
  group.spendUsd += a.spendUsd;
  group.standardSpendUsd += a.standardSpendUsd;
  group.savingUsd += a.savingUsd;
  group.deadlineRequests += a.deadlineRequests;
  group.deadlineHits += a.deadlineHits;
  group.flexShare = group.requests > 0 ? group.flexServed / group.requests : 0;
}

export function summarizeUsage(aggregates: ReadonlyArray<UsageTotals & { model: string; route: string }>): UsageSummary {
  const summary: UsageSummary = { total: emptyGroup(), byModel: {}, byRoute: {} };
  for (const a of aggregates) {
    addTotals(summary.total, a);
    addTotals((summary.byModel[a.model] ??= emptyGroup()), a);
    addTotals((summary.byRoute[a.route] ??= emptyGroup()), a);
  }
  return summary;
}

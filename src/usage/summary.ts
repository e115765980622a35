// Summaries of the usage ledger for `flexinference usage` and GET /v1/usage.
import type { UsageRow } from '../store/store.js';

export interface UsageGroup {
  requests: number;
  flexServed: number;
  flexShare: number;
  spendUsd: number;
  standardSpendUsd: number;
  savingUsd: number;
}

export interface UsageSummary {
  total: UsageGroup;
  byModel: Record<string, UsageGroup>;
  byRoute: Record<string, UsageGroup>;
}

function emptyGroup(): UsageGroup {
  return { requests: 0, flexServed: 0, flexShare: 0, spendUsd: 0, standardSpendUsd: 0, savingUsd: 0 };
}

function add(group: UsageGroup, row: UsageRow): void {
  group.requests++;
  if (row.servedTier === 'flex') group.flexServed++;
  group.spendUsd += row.costUsd;
  group.standardSpendUsd += row.standardCostUsd;
  group.savingUsd += row.savingUsd;
  group.flexShare = group.flexServed / group.requests;
}

export function summarizeUsage(rows: readonly UsageRow[]): UsageSummary {
  const summary: UsageSummary = { total: emptyGroup(), byModel: {}, byRoute: {} };
  for (const row of rows) {
    add(summary.total, row);
    add((summary.byModel[row.model] ??= emptyGroup()), row);
    add((summary.byRoute[row.route] ??= emptyGroup()), row);
  }
  return summary;
}

// Summaries of the usage ledger for `flexinference usage` and GET /v1/usage.
import type { UsageAggregate } from '../store/store.js';

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

function add(group: UsageGroup, a: UsageAggregate): void {
  group.requests += a.requests;
  group.flexServed += a.flexServed;
  group.spendUsd += a.spendUsd;
  group.standardSpendUsd += a.standardSpendUsd;
  group.savingUsd += a.savingUsd;
  group.flexShare = group.requests > 0 ? group.flexServed / group.requests : 0;
}

export function summarizeUsage(aggregates: readonly UsageAggregate[]): UsageSummary {
  const summary: UsageSummary = { total: emptyGroup(), byModel: {}, byRoute: {} };
  for (const a of aggregates) {
    add(summary.total, a);
    add((summary.byModel[a.model] ??= emptyGroup()), a);
    add((summary.byRoute[a.route] ??= emptyGroup()), a);
  }
  return summary;
}

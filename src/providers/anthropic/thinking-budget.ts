// Canonical reasoning config → Anthropic `thinking` (+ `output_config.effort`), per model.
// https://platform.claude.com/docs/en/build-with-claude/extended-thinking
import type { ReasoningConfig, ReasoningEffort } from '../../canonical/types.js';
import type { ModelTraits } from './model-traits.js';
import type { AnthropicEffort, AnthropicThinking } from './wire-types.js';

export interface ThinkingParams {
  thinking?: AnthropicThinking;
  effort?: AnthropicEffort;
  warnings: string[];
}

/** Anthropic's floor for `budget_tokens`; a smaller budget is refused. */
export const MIN_BUDGET_TOKENS = 1024;

type ThinkingEffort = Exclude<ReasoningEffort, 'none' | 'minimal'>;

// Budgets chosen so each level roughly quadruples the previous one, starting at the API floor.
const EFFORT_BUDGET: Record<ThinkingEffort, number> = {
  low: 1024,
  medium: 4096,
  high: 16384,
  xhigh: 32768,
};

export function thinkingParams(args: {
  reasoning: ReasoningConfig | undefined;
  maxTokens: number;
  traits: ModelTraits;
}): ThinkingParams {
  const { reasoning, maxTokens, traits } = args;
  if (!reasoning) return { warnings: [] };
  const { effort, budgetTokens } = reasoning;
  // OpenAI's none/minimal mean "(almost) no reasoning": thinking stays off.
  if (effort === 'none' || effort === 'minimal') return { warnings: [] };
  if (effort === undefined && budgetTokens === undefined) return { warnings: [] };
  // Thinking text is shown by default up to Opus 4.6 but omitted by default on the adaptive-only
  // models; ask for it there only when the caller wants reasoning summaries.
  const display = reasoning.summary !== undefined && traits.adaptiveOnly ? ({ display: 'summarized' } as const) : {};

  const useAdaptive = traits.adaptiveOnly || (traits.adaptiveThinking && budgetTokens === undefined);
  if (useAdaptive) {
    const level = effort ?? effortForBudget(budgetTokens ?? EFFORT_BUDGET.high);
    return { thinking: { type: 'adaptive', ...display }, effort: anthropicEffort(level, traits), warnings: [] };
  }

  // Anthropic wants MIN_BUDGET_TOKENS <= budget_tokens < max_tokens; an explicit budget is clamped.
  const budget = Math.min(Math.max(budgetTokens ?? EFFORT_BUDGET[effort ?? 'high'], MIN_BUDGET_TOKENS), maxTokens - 1);
  if (budget < MIN_BUDGET_TOKENS) {
    return {
      warnings: [
        `reasoning: thinking was not enabled because max output tokens (${maxTokens}) leave no room for Anthropic's minimum thinking budget of ${MIN_BUDGET_TOKENS} tokens`,
      ],
    };
  }
  const warnings =
    budgetTokens !== undefined && budget !== budgetTokens
      ? [
          `reasoning: Anthropic needs a thinking budget from ${MIN_BUDGET_TOKENS} to max output tokens - 1 (${maxTokens - 1}); the requested ${budgetTokens} was sent as ${budget}`,
        ]
      : [];
  const thinking: AnthropicThinking = { type: 'enabled', budget_tokens: budget, ...display };
  if (effort !== undefined && traits.effort) {
    return { thinking, effort: anthropicEffort(effort, traits), warnings };
  }
  return { thinking, warnings };
}

/** Anthropic effort level for a canonical one, stepping down where the model lacks a level. */
export function anthropicEffort(effort: ThinkingEffort, traits: ModelTraits): AnthropicEffort {
  switch (effort) {
    case 'low':
    case 'medium':
    case 'high':
      return effort;
    case 'xhigh':
      if (traits.xhighEffort) return 'xhigh';
      return traits.maxEffort ? 'max' : 'high';
  }
}

function effortForBudget(budget: number): ThinkingEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

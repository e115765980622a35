// Canonical reasoning config → Anthropic `thinking` (+ `output_config.effort`), per model.
// https://platform.claude.com/docs/en/build-with-claude/extended-thinking
import type { ReasoningConfig, ReasoningEffort } from '../../canonical/types.js';
import type { Warn } from '../warnings.js';
import type { ModelTraits } from './model-traits.js';
import type { AnthropicEffort, AnthropicThinking } from './wire.js';

export interface ThinkingParams {
  thinking?: AnthropicThinking;
  effort?: AnthropicEffort;
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

/** The thinking settings for a model; what had to change to fit it is told to `warn`. */
export function thinkingParams(args: {
  reasoning: ReasoningConfig | undefined;
  maxTokens: number;
  traits: ModelTraits;
  warn: Warn;
}): ThinkingParams {
  const { reasoning, maxTokens, traits, warn } = args;
  if (!reasoning) return {};
  const { effort, budgetTokens } = reasoning;
  // OpenAI's none/minimal mean "(almost) no reasoning": thinking stays off.
  if (effort === 'none' || effort === 'minimal') return {};
  if (effort === undefined && budgetTokens === undefined) return {};
  // Thinking text is shown by default up to Opus 4.6 but omitted by default on the adaptive-only
  // models; ask for it there only when the caller wants reasoning summaries.
  const display = reasoning.summary !== undefined && traits.adaptiveOnly ? ({ display: 'summarized' } as const) : {};

  const useAdaptive = traits.adaptiveOnly || (traits.adaptiveThinking && budgetTokens === undefined);
  if (useAdaptive) {
    const level = effort ?? effortForBudget(budgetTokens ?? EFFORT_BUDGET.high);
    const sent = anthropicEffort(level, traits, warn);
    if (budgetTokens !== undefined) {
      warn('thinking_budget_changed', 'reasoning.budget_tokens', `This model takes adaptive thinking only; the budget of ${budgetTokens} tokens was sent as effort "${sent}".`);
    }
    return { thinking: { type: 'adaptive', ...display }, effort: sent };
  }

  // Anthropic wants MIN_BUDGET_TOKENS <= budget_tokens < max_tokens; an explicit budget is clamped.
  const budget = Math.min(Math.max(budgetTokens ?? EFFORT_BUDGET[effort ?? 'high'], MIN_BUDGET_TOKENS), maxTokens - 1);
  if (budget < MIN_BUDGET_TOKENS) {
    warn(
      'thinking_disabled',
      'reasoning',
      `Thinking was not enabled because max output tokens (${maxTokens}) leave no room for Anthropic's minimum thinking budget of ${MIN_BUDGET_TOKENS} tokens.`,
    );
    return {};
  }
  if (budgetTokens !== undefined && budget !== budgetTokens) {
    warn(
      'thinking_budget_changed',
      'reasoning.budget_tokens',
      `Anthropic needs a thinking budget from ${MIN_BUDGET_TOKENS} to max output tokens - 1 (${maxTokens - 1}); the requested ${budgetTokens} was sent as ${budget}.`,
    );
  }
  const thinking: AnthropicThinking = { type: 'enabled', budget_tokens: budget, ...display };
  if (effort !== undefined && traits.effort) return { thinking, effort: anthropicEffort(effort, traits, warn) };
  return { thinking };
}

/** Anthropic effort level for a canonical one, stepping down (with a warning) where the model lacks a level. */
export function anthropicEffort(effort: ThinkingEffort, traits: ModelTraits, warn: Warn): AnthropicEffort {
  switch (effort) {
    case 'low':
    case 'medium':
    case 'high':
      return effort;
    case 'xhigh':
      if (traits.xhighEffort) return 'xhigh';
      // `max` is above xhigh where both exist, so it keeps what was asked for: the most effort.
      if (traits.maxEffort) return 'max';
      warn('reasoning_changed', 'reasoning.effort', 'This model has no effort above "high"; effort "xhigh" was sent as "high".');
      return 'high';
  }
}

function effortForBudget(budget: number): ThinkingEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

// What each OpenAI model family accepts for reasoning and sampling. OpenAI rejects unsupported
// values with a 400, so requests are adjusted before sending, each change with a warning.
// https://platform.openai.com/docs/guides/reasoning
// https://platform.openai.com/docs/guides/latest-model (gpt-5.1+: effort `none`, sampling params)
import type { ReasoningConfig, ReasoningEffort } from '../../canonical/types.js';
import type { Warn } from '../warnings.js';

// o-series, gpt-5 family and codex models reason; the gpt-5 "chat" aliases do not.
const REASONING_MODEL = /^(o\d|gpt-5|codex)/;

export function isReasoningModel(model: string): boolean {
  return REASONING_MODEL.test(model) && !model.includes('-chat');
}

/** `o` covers o1/o3/o4-mini and codex-mini-latest (an o4-mini); `gpt-5.1+` every gpt-5.x, x ≥ 1. */
type Family = 'o' | 'gpt-5' | 'gpt-5.1+';

interface Traits {
  family: Family;
  xhigh: boolean;
  /** `-pro` models take no effort choice. */
  pro: boolean;
}

function traitsOf(model: string): Traits {
  const minor = /^gpt-5\.(\d+)/.exec(model)?.[1];
  const family: Family = minor !== undefined && Number(minor) >= 1 ? 'gpt-5.1+' : model.startsWith('gpt-5') ? 'gpt-5' : 'o';
  // xhigh arrived with gpt-5.1-codex-max and is standard from gpt-5.2 on.
  const xhigh = (family === 'gpt-5.1+' && Number(minor) >= 2) || model.includes('codex-max');
  return { family, xhigh, pro: model.includes('-pro') };
}

function supportedEffort(traits: Traits, effort: ReasoningEffort): ReasoningEffort {
  switch (effort) {
    case 'none':
      return traits.family === 'gpt-5.1+' ? 'none' : traits.family === 'gpt-5' ? 'minimal' : 'low';
    case 'minimal':
      return traits.family === 'gpt-5' ? 'minimal' : 'low';
    case 'xhigh':
      return traits.xhigh ? 'xhigh' : 'high';
    default:
      return effort;
  }
}

export interface OpenAIReasoning {
  effort?: string;
  summary?: string;
}

/** The `reasoning` object for a reasoning model, remapped to the levels the model accepts. */
export function convertReasoning(model: string, reasoning: ReasoningConfig, warn: Warn): OpenAIReasoning {
  const traits = traitsOf(model);
  let effort = reasoning.effort ?? effortForBudget(reasoning.budgetTokens);
  if (effort !== undefined && traits.pro) {
    warn('reasoning_dropped', 'reasoning.effort', `${model} takes no reasoning effort; the requested effort '${effort}' was not sent.`);
    effort = undefined;
  } else if (effort !== undefined) {
    const supported = supportedEffort(traits, effort);
    if (supported !== effort) warn('reasoning_changed', 'reasoning.effort', `${model} does not support reasoning effort '${effort}'; '${supported}' was used.`);
    effort = supported;
  }
  let summary = reasoning.summary;
  if (summary === 'concise' && traits.family !== 'gpt-5.1+') {
    warn('reasoning_changed', 'reasoning.summary', `${model} does not support reasoning summary 'concise'; 'auto' was used.`);
    summary = 'auto';
  }
  return { ...(effort !== undefined ? { effort } : {}), ...(summary !== undefined ? { summary } : {}) };
}

/** Whether a reasoning config asks for anything a non-reasoning model would have to drop. */
export function asksForReasoning(reasoning: ReasoningConfig): boolean {
  return (reasoning.effort !== undefined && reasoning.effort !== 'none') || reasoning.budgetTokens !== undefined || reasoning.summary !== undefined;
}

/**
 * Reasoning models accept only the default temperature / top_p ("Only the default (1) value is
 * supported"), except gpt-5.1 and later with reasoning effort `none`.
 */
export function allowsSampling(model: string, effort: string | undefined): boolean {
  if (!isReasoningModel(model)) return true;
  return traitsOf(model).family === 'gpt-5.1+' && effort === 'none';
}

/** OpenAI takes an effort level, not a token budget; pick the nearest level for a budget. */
function effortForBudget(budget: number | undefined): ReasoningEffort | undefined {
  if (budget === undefined) return undefined;
  if (budget < 2048) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

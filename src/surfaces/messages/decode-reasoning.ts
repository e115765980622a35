// `thinking`, `output_config` and `output_format` of /v1/messages → canonical reasoning and output.
// https://platform.claude.com/docs/en/build-with-claude/extended-thinking
// https://platform.claude.com/docs/en/build-with-claude/effort
// https://platform.claude.com/docs/en/build-with-claude/structured-outputs
import type { OutputFormat, ReasoningConfig, ReasoningEffort } from '../../canonical/types.js';
import type { Warn } from './decode-content.js';
import { expectObject, expectString, invalid, isUnset, optNumber, unsupported } from '../fields.js';
import { refuseUnknownMessagesKeys, typeOf } from './fields.js';

/** Anthropic's floor for a manual thinking budget. */
const MIN_BUDGET_TOKENS = 1024;

/** The effort a manual thinking budget stands for, for providers that take a level. */
export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < 2048) return 'low';
  if (budgetTokens < 8192) return 'medium';
  return 'high';
}

export function decodeThinking(value: unknown): ReasoningConfig | undefined {
  if (isUnset(value)) return undefined;
  const thinking = expectObject(value, 'thinking');
  const type = typeOf(thinking, 'thinking');
  switch (type) {
    case 'enabled': {
      refuseUnknownMessagesKeys(thinking, new Set(['type', 'budget_tokens', 'display']), 'thinking');
      const budget = optNumber(thinking.budget_tokens, 'thinking.budget_tokens', { integer: true, min: MIN_BUDGET_TOKENS });
      if (budget === undefined) {
        throw invalid('thinking.budget_tokens', '`thinking.budget_tokens` is required when thinking is enabled (at least 1024).');
      }
      return { effort: effortForBudget(budget), budgetTokens: budget, ...summaryFor(thinking.display) };
    }
    case 'adaptive':
      refuseUnknownMessagesKeys(thinking, new Set(['type', 'display']), 'thinking');
      return { effort: 'medium', ...summaryFor(thinking.display) };
    case 'disabled':
      refuseUnknownMessagesKeys(thinking, new Set(['type']), 'thinking');
      return { effort: 'none' };
    default:
      throw unsupported('thinking.type', `\`thinking.type\` "${type}" is not supported; use "enabled", "adaptive" or "disabled".`);
  }
}

/** `display` "summarized" (the default) asks for readable thinking; "omitted" for none. */
function summaryFor(value: unknown): Pick<ReasoningConfig, 'summary'> {
  if (isUnset(value)) return { summary: 'auto' };
  const display = expectString(value, 'thinking.display');
  switch (display) {
    case 'summarized':
      return { summary: 'auto' };
    case 'omitted':
      return {};
    default:
      throw invalid('thinking.display', `\`thinking.display\` must be "summarized" or "omitted"; got "${display}".`);
  }
}

export interface DecodedOutputConfig {
  effort?: ReasoningEffort;
  output?: OutputFormat;
}

export function decodeOutputConfig(value: unknown, warn: Warn): DecodedOutputConfig {
  if (isUnset(value)) return {};
  const config = expectObject(value, 'output_config');
  refuseUnknownMessagesKeys(config, new Set(['effort', 'format']), 'output_config');
  const decoded: DecodedOutputConfig = {};
  const effort = decodeEffort(config.effort, warn);
  if (effort !== undefined) decoded.effort = effort;
  const output = decodeMessagesOutputFormat(config.format, 'output_config.format');
  if (output !== undefined) decoded.output = output;
  return decoded;
}

function decodeEffort(value: unknown, warn: Warn): ReasoningEffort | undefined {
  if (isUnset(value)) return undefined;
  const effort = expectString(value, 'output_config.effort');
  switch (effort) {
    case 'low':
    case 'medium':
    case 'high':
    case 'xhigh':
      return effort;
    case 'max':
      warn({ code: 'reasoning_changed', field: 'output_config.effort', message: 'Effort "max" was mapped to the highest canonical effort, "xhigh".' });
      return 'xhigh';
    default:
      throw invalid('output_config.effort', `\`output_config.effort\` must be "low", "medium", "high", "xhigh" or "max"; got "${effort}".`);
  }
}

/** A JSON schema output format; Anthropic's structured outputs are always schema-enforced. */
export function decodeMessagesOutputFormat(value: unknown, param: string): OutputFormat | undefined {
  if (isUnset(value)) return undefined;
  const format = expectObject(value, param);
  const type = typeOf(format, param);
  if (type !== 'json_schema') throw invalid(`${param}.type`, `\`${param}.type\` must be "json_schema"; got "${type}".`);
  refuseUnknownMessagesKeys(format, new Set(['type', 'schema']), param);
  return { type: 'json_schema', name: 'output', schema: expectObject(format.schema, `${param}.schema`), strict: true };
}

/** Combines `thinking` with an explicit `output_config.effort` (which wins unless thinking is off). */
export function combineReasoning(
  thinking: ReasoningConfig | undefined,
  effort: ReasoningEffort | undefined,
  warn: Warn,
): ReasoningConfig | undefined {
  if (effort === undefined) return thinking;
  if (thinking?.effort === 'none') {
    warn({ code: 'reasoning_dropped', field: 'output_config.effort', message: `Effort "${effort}" was ignored because thinking is disabled.` });
    return thinking;
  }
  return { ...thinking, effort };
}

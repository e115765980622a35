// Canonical request + tier → Anthropic Messages request body (always streamed).
// https://platform.claude.com/docs/en/api/messages
import type { FunctionTool, OutputFormat, RequestedTier, ToolChoice } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import type { ConvertInput, Converted } from '../provider.js';
import { warningList, type Warn } from '../warnings.js';
import { convertAnthropicInput } from './convert-input.js';
import { convertWebSearch } from './convert-web-search.js';
import { modelTraits, type ModelTraits } from './model-traits.js';
import { applySampling } from './sampling.js';
import { thinkingParams } from './thinking-budget.js';
import type {
  AnthropicMessage,
  AnthropicMessagesBody,
  AnthropicOutputConfig,
  AnthropicServiceTier,
  AnthropicTool,
  AnthropicToolChoice,
} from './wire.js';

/** Builds the upstream body, with a warning for each change made to fit the model (pure). */
export function convertAnthropicRequest({ request, tier }: ConvertInput): Converted<AnthropicMessagesBody> {
  const maxTokens = request.maxOutputTokens;
  if (maxTokens === undefined) throw new FlexError('missing_max_tokens');
  const traits = modelTraits(request.model);
  const { warn, warnings } = warningList();
  const input = convertAnthropicInput(request.input, warn);

  const body: AnthropicMessagesBody = {
    model: request.model,
    max_tokens: maxTokens,
    messages: input.messages,
    stream: true,
    service_tier: anthropicServiceTierFor(tier),
  };
  const system = [request.instructions ?? '', ...input.system].filter((text) => text.trim() !== '').join('\n\n');
  if (system !== '') body.system = system;

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool, index) => convertTool(tool, `tools[${index}]`, traits, warn));
    const choice = convertToolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }
  if (request.webSearch !== undefined) body.tools = [...(body.tools ?? []), convertWebSearch(request.webSearch, warn)];

  const thinking = thinkingParams({ reasoning: request.reasoning, maxTokens, traits, warn });
  let effort = thinking.effort;
  if (thinking.thinking) {
    const forced = forcedToolUse(body.tool_choice);
    const unsigned = unsignedToolTurn(input.messages);
    if (forced !== undefined) {
      effort = undefined;
      warn('thinking_disabled', 'reasoning', forced);
    } else if (unsigned === undefined) body.thinking = thinking.thinking;
    else warn('thinking_disabled', 'reasoning', unsigned);
  }
  const outputConfig: AnthropicOutputConfig = {};
  if (effort) outputConfig.effort = effort;
  const format = convertOutputFormat(request.output, traits, warn);
  if (format) outputConfig.format = format;
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  applySampling(body, request, warn);
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.metadata && Object.keys(request.metadata).length > 0) {
    warn('translated', 'metadata', 'Anthropic accepts only metadata.user_id; the other metadata keys were not sent.');
  }
  return { body, warnings };
}

/**
 * Anthropic refuses thinking with a forced tool ("Thinking may not be enabled when tool_choice
 * forces tool use"), so the forced choice wins and thinking (and its effort) stays off.
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#extended-thinking-with-tool-use
 */
function forcedToolUse(choice: AnthropicToolChoice | undefined): string | undefined {
  if (choice?.type !== 'any' && choice?.type !== 'tool') return undefined;
  return 'Thinking was not enabled because the tool choice forces a tool call, which Anthropic does not allow while thinking is on.';
}

/**
 * With thinking on, Anthropic requires the final assistant turn of a tool loop to start with the
 * thinking block it produced (else 400 "Expected `thinking` or `redacted_thinking`, but found
 * `tool_use`"; "To avoid this requirement, disable `thinking`"). A caller whose format cannot carry
 * thinking blocks (Chat Completions) or whose history came from another provider cannot send it,
 * so thinking is left off for that request, with a warning.
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#extended-thinking-with-tool-use
 */
function unsignedToolTurn(messages: readonly AnthropicMessage[]): string | undefined {
  const last = messages.findLast((m) => m.role === 'assistant');
  if (!last?.content.some((block) => block.type === 'tool_use')) return undefined;
  const first = last.content[0]?.type;
  if (first === 'thinking' || first === 'redacted_thinking') return undefined;
  return 'Thinking was not enabled because the last assistant turn replays tool calls without the Anthropic thinking block that preceded them, which Anthropic requires while thinking is on.';
}

/**
 * Anthropic sells no flex tier and no literal priority tier: `auto` uses Priority Tier capacity
 * when the organization has it, `standard_only` never does.
 * https://platform.claude.com/docs/en/api/service-tiers
 */
export function anthropicServiceTierFor(tier: RequestedTier): AnthropicServiceTier {
  switch (tier) {
    case 'standard':
      return 'standard_only';
    case 'priority':
    case 'auto':
      return 'auto';
    case 'flex':
      throw new FlexError('internal_error', {
        detail: 'A flex-tier request reached the Anthropic provider, which has no flex tier.',
      });
  }
}

function convertTool(tool: FunctionTool, field: string, traits: ModelTraits, warn: Warn): AnthropicTool {
  // Anthropic requires an object schema, even for a tool without parameters.
  const schema = 'type' in tool.parameters ? tool.parameters : { type: 'object', ...tool.parameters };
  const out: AnthropicTool = { name: tool.name, input_schema: schema };
  if (tool.description !== undefined) out.description = tool.description;
  if (tool.strict === true) {
    if (traits.structuredOutputs) out.strict = true;
    else warn('translated', `${field}.strict`, `Strict schema validation for "${tool.name}" is not available on this model; the tool was sent without it.`);
  }
  if (tool.eagerInputStreaming !== undefined) out.eager_input_streaming = tool.eagerInputStreaming;
  return out;
}

function convertToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallel === false ? { type: 'auto', ...serial } : undefined;
    case 'auto':
      return { type: 'auto', ...serial };
    case 'required':
      return { type: 'any', ...serial };
    case 'function':
      return { type: 'tool', name: choice.name, ...serial };
    case 'none':
      return { type: 'none' };
  }
}

/** Structured outputs: `output_config.format` (GA; replaced the beta `output_format`). */
function convertOutputFormat(
  output: OutputFormat | undefined,
  traits: ModelTraits,
  warn: Warn,
): AnthropicOutputConfig['format'] {
  switch (output?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json_object':
      warn('translated', 'text.format', 'Anthropic has no JSON-object mode without a schema; the format was not enforced.');
      return undefined;
    case 'json_schema':
      if (traits.structuredOutputs) return { type: 'json_schema', schema: output.schema };
      warn('translated', 'text.format', `Structured outputs are not available on this model; the schema "${output.name}" was not enforced.`);
      return undefined;
  }
}

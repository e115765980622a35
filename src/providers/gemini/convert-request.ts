// Canonical request + tier → the Interactions `POST /v1beta/interactions` body.
// Request schema: https://ai.google.dev/api/interactions-api (CreateModelInteraction);
// `service_tier`: https://ai.google.dev/gemini-api/docs/interactions/flex-inference
import type {
  CanonicalRequest,
  OutputFormat,
  ReasoningConfig,
  RequestedTier,
  ToolChoice,
} from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { convertWebSearch } from './convert-web-search.js';
import type { ConvertInput, Converted } from '../provider.js';
import { warningList, type Warn } from '../warnings.js';
import { convertGeminiInput } from './convert-input.js';
import type {
  WireCreateInteraction,
  WireFunctionTool,
  WireGenerationConfig,
  WireResponseFormat,
  WireServiceTier,
  WireThinkingLevel,
  WireToolChoice,
} from './wire.js';

/** Builds the upstream body, with a warning for each change made to fit the model (pure). */
export function convertGeminiRequest({ request, tier }: ConvertInput): Converted<WireCreateInteraction> {
  const { warn, warnings } = warningList();
  const input = convertGeminiInput(request.input, warn);
  const system = [request.instructions, ...input.systemTexts].filter((t): t is string => !!t);
  const functions = request.tools?.map(convertTool) ?? [];
  const tools = request.webSearch === undefined ? functions : [...functions, convertWebSearch(request.webSearch, warn)];
  const responseFormat = convertOutput(request.output);
  const generationConfig = convertGenerationConfig(request, functions.length > 0, warn);
  noteDroppedFields(request, warn);
  const body: WireCreateInteraction = {
    model: request.model,
    input: input.steps,
    ...(system.length > 0 ? { system_instruction: system.join('\n\n') } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
    ...(generationConfig ? { generation_config: generationConfig } : {}),
    service_tier: geminiServiceTierFor(tier),
    store: false,
    stream: true,
  };
  return { body, warnings };
}

export function geminiServiceTierFor(tier: RequestedTier): WireServiceTier {
  switch (tier) {
    case 'flex':
      return 'flex';
    case 'standard':
      return 'standard';
    case 'priority':
      return 'priority';
    case 'auto':
      // Routing refuses start_within "auto" for gemini-* (auto_unsupported_for_gemini).
      throw new FlexError('internal_error', {
        detail: 'The Gemini provider was asked for the "auto" tier, which Gemini does not offer.',
      });
    default:
      return assertNever(tier);
  }
}

function convertTool(tool: NonNullable<CanonicalRequest['tools']>[number]): WireFunctionTool {
  return {
    type: 'function',
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: tool.parameters,
  };
}

/** Structured output is a JSON text response format; name/description/strict have no counterpart. */
function convertOutput(output: OutputFormat | undefined): WireResponseFormat[] | undefined {
  if (!output) return undefined;
  switch (output.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return [{ type: 'text', mime_type: 'application/json' }];
    case 'json_schema':
      return [{ type: 'text', mime_type: 'application/json', schema: output.schema }];
    default:
      return assertNever(output);
  }
}

function convertGenerationConfig(
  request: CanonicalRequest,
  hasTools: boolean,
  warn: Warn,
): WireGenerationConfig | undefined {
  const config: WireGenerationConfig = {};
  if (request.maxOutputTokens !== undefined) config.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.top_p = request.topP;
  const level = proLevel(request.model, thinkingLevel(request.reasoning, warn), warn);
  if (level) config.thinking_level = level;
  if (request.reasoning?.summary) config.thinking_summaries = 'auto';
  const choice = toolChoice(request.toolChoice, hasTools, warn);
  if (choice) config.tool_choice = choice;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** Effort → `thinking_level` (minimal | low | medium | high). */
function thinkingLevel(reasoning: ReasoningConfig | undefined, warn: Warn): WireThinkingLevel | undefined {
  if (!reasoning) return undefined;
  if (reasoning.effort === undefined) {
    if (reasoning.budgetTokens !== undefined) {
      warn('thinking_budget_changed', 'reasoning.budget_tokens', 'A thinking token budget has no Gemini Interactions counterpart; the model default thinking level is used.');
    }
    return undefined;
  }
  switch (reasoning.effort) {
    case 'none':
      warn('reasoning_changed', 'reasoning.effort', 'Gemini has no reasoning effort "none"; thinking_level "minimal" was sent.');
      return 'minimal';
    case 'xhigh':
      warn('reasoning_changed', 'reasoning.effort', 'Gemini has no reasoning effort "xhigh"; thinking_level "high" was sent.');
      return 'high';
    case 'minimal':
    case 'low':
    case 'medium':
    case 'high':
      return reasoning.effort;
    default:
      return assertNever(reasoning.effort);
  }
}

// Pro models (gemini-3-pro-preview, gemini-3.1-pro-…) refuse thinking_level "minimal".
const PRO_MODEL = /^gemini-.*-pro/;

function proLevel(model: string, level: WireThinkingLevel | undefined, warn: Warn): WireThinkingLevel | undefined {
  if (level !== 'minimal' || !PRO_MODEL.test(model)) return level;
  warn('reasoning_changed', 'reasoning.effort', 'Gemini Pro models have no thinking_level "minimal"; "low" was sent.');
  return 'low';
}

function toolChoice(choice: ToolChoice | undefined, hasTools: boolean, warn: Warn): WireToolChoice | undefined {
  if (!choice) return undefined;
  // The API rejects tool_choice without function declarations; with no tools it means nothing.
  if (!hasTools) {
    if (choice.type !== 'none' && choice.type !== 'auto') {
      warn('translated', 'tool_choice', 'tool_choice was given without tools and was not sent to Gemini.');
    }
    return undefined;
  }
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'none':
      return 'none';
    case 'required':
      return 'any';
    case 'function':
      // "any" restricted to one allowed tool forces a call to exactly that function.
      return { allowed_tools: { mode: 'any', tools: [choice.name] } };
    default:
      return assertNever(choice);
  }
}

function noteDroppedFields(request: CanonicalRequest, warn: Warn): void {
  if (request.parallelToolCalls === false) {
    warn('translated', 'parallel_tool_calls', 'parallel_tool_calls=false has no Gemini Interactions counterpart and was not sent.');
  }
  if (request.user !== undefined) {
    warn('translated', 'user', 'The end-user id has no Gemini Interactions counterpart and was not sent.');
  }
  if (request.metadata !== undefined && Object.keys(request.metadata).length > 0) {
    warn('translated', 'metadata', 'Metadata has no Gemini Interactions counterpart and was not sent.');
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

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
import { convertInput, pushOnce } from './convert-input.js';
import type {
  WireCreateInteraction,
  WireFunctionTool,
  WireGenerationConfig,
  WireResponseFormat,
  WireServiceTier,
  WireThinkingLevel,
  WireToolChoice,
} from './wire-types.js';

/**
 * Builds the upstream body. Lossy translations are added to `request.warnings` (once each, so a
 * request converted again for a fallback tier does not repeat them).
 */
export function convertRequest(request: CanonicalRequest, tier: RequestedTier): WireCreateInteraction {
  const warnings: string[] = [];
  const input = convertInput(request.input);
  warnings.push(...input.warnings);
  const system = [request.instructions, ...input.systemTexts].filter((t): t is string => !!t);
  const tools = request.tools?.map(convertTool);
  const responseFormat = convertOutput(request.output);
  const generationConfig = convertGenerationConfig(request, tools !== undefined && tools.length > 0, warnings);
  noteDroppedFields(request, warnings);

  const target = (request.warnings ??= []);
  for (const w of warnings) pushOnce(target, w);

  return {
    model: request.model,
    input: input.steps,
    ...(system.length > 0 ? { system_instruction: system.join('\n\n') } : {}),
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
    ...(generationConfig ? { generation_config: generationConfig } : {}),
    service_tier: serviceTier(tier),
    store: false,
    stream: true,
  };
}

export function serviceTier(tier: RequestedTier): WireServiceTier {
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
  warnings: string[],
): WireGenerationConfig | undefined {
  const config: WireGenerationConfig = {};
  if (request.maxOutputTokens !== undefined) config.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.top_p = request.topP;
  const level = proLevel(request.model, thinkingLevel(request.reasoning, warnings), warnings);
  if (level) config.thinking_level = level;
  if (request.reasoning?.summary) config.thinking_summaries = 'auto';
  const choice = toolChoice(request.toolChoice, hasTools, warnings);
  if (choice) config.tool_choice = choice;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** Effort → `thinking_level` (minimal | low | medium | high). */
function thinkingLevel(reasoning: ReasoningConfig | undefined, warnings: string[]): WireThinkingLevel | undefined {
  if (!reasoning) return undefined;
  if (reasoning.effort === undefined) {
    if (reasoning.budgetTokens !== undefined) {
      pushOnce(warnings, 'gemini: a thinking token budget has no Interactions counterpart; the model default thinking level is used');
    }
    return undefined;
  }
  switch (reasoning.effort) {
    case 'none':
      pushOnce(warnings, 'gemini: reasoning effort "none" is not available; sent thinking_level "minimal"');
      return 'minimal';
    case 'xhigh':
      pushOnce(warnings, 'gemini: reasoning effort "xhigh" is not available; sent thinking_level "high"');
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

function proLevel(model: string, level: WireThinkingLevel | undefined, warnings: string[]): WireThinkingLevel | undefined {
  if (level !== 'minimal' || !PRO_MODEL.test(model)) return level;
  pushOnce(warnings, 'gemini: thinking_level "minimal" is not available on Pro models; sent thinking_level "low"');
  return 'low';
}

function toolChoice(choice: ToolChoice | undefined, hasTools: boolean, warnings: string[]): WireToolChoice | undefined {
  if (!choice) return undefined;
  // The API rejects tool_choice without function declarations; with no tools it means nothing.
  if (!hasTools) {
    if (choice.type !== 'none' && choice.type !== 'auto') {
      pushOnce(warnings, 'gemini: tool_choice was given without tools and was dropped');
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

function noteDroppedFields(request: CanonicalRequest, warnings: string[]): void {
  if (request.parallelToolCalls === false) {
    pushOnce(warnings, 'gemini: parallel_tool_calls=false has no Interactions counterpart and was dropped');
  }
  if (request.user !== undefined) {
    pushOnce(warnings, 'gemini: the end-user id has no Interactions counterpart and was dropped');
  }
  if (request.metadata !== undefined && Object.keys(request.metadata).length > 0) {
    pushOnce(warnings, 'gemini: metadata has no Interactions counterpart and was dropped');
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

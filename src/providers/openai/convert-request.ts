// Canonical request → OpenAI Responses API request body.
// https://platform.openai.com/docs/api-reference/responses/create
import type {
  CanonicalRequest,
  FunctionCallOutputItem,
  ImageSource,
  InputContent,
  InputItem,
  InputMessage,
  OutputFormat,
  ReasoningConfig,
  ReasoningItem,
  RequestedTier,
  ToolChoice,
} from '../../canonical/types.js';
import type {
  OpenAIAssistantContent,
  OpenAIInputContent,
  OpenAIInputItem,
  OpenAIResponsesRequest,
  OpenAIServiceTier,
  OpenAITextFormat,
  OpenAIToolChoice,
} from './wire.js';

export interface ConvertRequestInput {
  request: CanonicalRequest;
  tier: RequestedTier;
}

/** Builds the upstream body. Lossy steps are pushed (once) onto `request.warnings`. */
export function convertRequest({ request, tier }: ConvertRequestInput): OpenAIResponsesRequest {
  const warn = warningSink(request);
  const body: OpenAIResponsesRequest = {
    model: request.model,
    stream: true,
    service_tier: serviceTierFor(tier),
    store: false,
    input: convertInput(request.input, warn),
  };
  if (request.instructions !== undefined) body.instructions = request.instructions;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.parameters,
      // Sent explicitly: the Responses API treats an absent `strict` as true, which would reject
      // the non-strict schemas other dialects allow.
      strict: tool.strict ?? false,
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.output !== undefined) body.text = { format: convertFormat(request.output) };
  if (request.reasoning !== undefined) body.reasoning = convertReasoning(request.reasoning);
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.user !== undefined) body.safety_identifier = request.user;
  if (request.metadata !== undefined) body.metadata = request.metadata;
  if (wantsEncryptedReasoning(request)) body.include = ['reasoning.encrypted_content'];
  return body;
}

export function serviceTierFor(tier: RequestedTier): OpenAIServiceTier {
  switch (tier) {
    case 'flex':
      return 'flex';
    case 'standard':
      return 'default';
    case 'priority':
      return 'priority';
    case 'auto':
      return 'auto';
  }
}

// o-series, gpt-5 family and codex models reason; the gpt-5 "chat" aliases do not.
const REASONING_MODEL = /^(o\d|gpt-5|codex)/;

export function isReasoningModel(model: string): boolean {
  return REASONING_MODEL.test(model) && !model.includes('-chat');
}

/**
 * With `store: false` the reasoning of one turn reaches the next only as `encrypted_content`
 * replayed in the items (https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items).
 */
function wantsEncryptedReasoning(request: CanonicalRequest): boolean {
  return (
    request.includeEncryptedReasoning === true ||
    request.reasoning !== undefined ||
    isReasoningModel(request.model) ||
    request.input.some((item) => item.type === 'reasoning' && item.opaque?.provider === 'openai')
  );
}

type Warn = (message: string) => void;

function warningSink(request: CanonicalRequest): Warn {
  return (message) => {
    const warnings = (request.warnings ??= []);
    // The same request may be converted twice (flex attempt, then standard): warn once.
    if (!warnings.includes(message)) warnings.push(message);
  };
}

function convertInput(items: InputItem[], warn: Warn): OpenAIInputItem[] {
  const out: OpenAIInputItem[] = [];
  for (const item of items) {
    const converted = convertItem(item, warn);
    if (converted !== undefined) out.push(converted);
  }
  return out;
}

function convertItem(item: InputItem, warn: Warn): OpenAIInputItem | undefined {
  switch (item.type) {
    case 'message':
      if (item.role === 'assistant') return convertAssistant(item, warn);
      return {
        type: 'message',
        role: item.role,
        content: item.content.map((part) => convertInputContent(part, warn)),
      };
    // Item ids are not replayed (only reasoning needs its own): ids minted by other providers
    // would fail OpenAI's id checks, and with store=false echoed ids can be looked up and missed.
    case 'function_call':
      return { type: 'function_call', call_id: item.callId, name: item.name, arguments: item.arguments };
    case 'function_call_output':
      return convertToolOutput(item, warn);
    case 'reasoning':
      return convertReasoningItem(item, warn);
  }
}

function convertInputContent(part: InputContent, warn: Warn): OpenAIInputContent {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image':
      return { type: 'input_image', image_url: imageUrl(part.source), detail: part.detail ?? 'auto' };
    case 'refusal':
      warn('A refusal in user content was sent to OpenAI as plain text.');
      return { type: 'input_text', text: part.refusal };
  }
}

function imageUrl(source: ImageSource): string {
  return source.type === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

function convertAssistant(message: InputMessage, warn: Warn): OpenAIInputItem {
  const content: OpenAIAssistantContent[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        content.push({ type: 'output_text', text: part.text, annotations: [] });
        break;
      case 'refusal':
        content.push({ type: 'refusal', refusal: part.refusal });
        break;
      case 'image':
        warn('Images in assistant messages have no OpenAI counterpart and were dropped.');
        break;
    }
  }
  return { type: 'message', role: 'assistant', content, ...(message.phase !== undefined ? { phase: message.phase } : {}) };
}

function convertToolOutput(item: FunctionCallOutputItem, warn: Warn): OpenAIInputItem {
  if (item.isError === true) {
    warn('OpenAI has no error flag on function_call_output; the tool output was sent as is.');
  }
  const output = typeof item.output === 'string' ? item.output : item.output.map((part) => convertInputContent(part, warn));
  return { type: 'function_call_output', call_id: item.callId, output };
}

function convertReasoningItem(item: ReasoningItem, warn: Warn): OpenAIInputItem | undefined {
  if (item.opaque?.provider !== 'openai') {
    const from = item.opaque?.provider ?? 'an unknown provider';
    warn(`Reasoning from ${from} cannot be replayed to OpenAI and was dropped.`);
    return undefined;
  }
  return {
    type: 'reasoning',
    id: item.id,
    encrypted_content: item.opaque.data,
    summary: item.summary.map((text) => ({ type: 'summary_text', text })),
  };
}

function convertToolChoice(choice: ToolChoice): OpenAIToolChoice {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'function':
      return { type: 'function', name: choice.name };
  }
}

function convertFormat(format: OutputFormat): OpenAITextFormat {
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema':
      return {
        type: 'json_schema',
        name: format.name,
        schema: format.schema,
        ...(format.description !== undefined ? { description: format.description } : {}),
        ...(format.strict !== undefined ? { strict: format.strict } : {}),
      };
  }
}

function convertReasoning(reasoning: ReasoningConfig): { effort?: string; summary?: string } {
  const effort = reasoning.effort ?? effortForBudget(reasoning.budgetTokens);
  return {
    ...(effort !== undefined ? { effort } : {}),
    ...(reasoning.summary !== undefined ? { summary: reasoning.summary } : {}),
  };
}

/** OpenAI takes an effort level, not a token budget; pick the nearest level for a budget. */
function effortForBudget(budget: number | undefined): string | undefined {
  if (budget === undefined) return undefined;
  if (budget < 2048) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

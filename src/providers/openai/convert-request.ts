// Canonical request → OpenAI Responses API request body.
// https://platform.openai.com/docs/api-reference/responses/create
import { createHash } from 'node:crypto';
import type {
  FileContent,
  FunctionCallOutputItem,
  ImageSource,
  InputContent,
  InputItem,
  InputMessage,
  NativeFields,
  OutputFormat,
  ReasoningItem,
  RequestedTier,
  ProviderName,
  ToolChoice,
  WebSearchTool,
} from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { isObject } from '../json.js';
import type { ConvertInput, Converted } from '../provider.js';
import { warningList, type Warn } from '../warnings.js';
import { droppedItem } from '../provider-items.js';
import { warnUncarried } from '../web-search.js';
import type {
  OpenAIAssistantContent,
  OpenAIInputContent,
  OpenAIInputItem,
  OpenAIResponsesRequest,
  OpenAIServiceTier,
  OpenAITextFormat,
  OpenAIToolChoice,
  OpenAIWebSearchTool,
} from './wire.js';
import { allowsSampling, asksForReasoning, convertReasoning, isReasoningModel } from './model-traits.js';

/** Builds the upstream body, with a warning for each change made to fit the model (pure). */
export function convertOpenAIRequest({ request, tier }: ConvertInput): Converted<OpenAIResponsesRequest> {
  const { warn, warnings } = warningList();
  const reasoningModel = isReasoningModel(request.model);
  const body: OpenAIResponsesRequest = {
    model: request.model,
    stream: true,
    service_tier: openaiServiceTierFor(tier),
    store: false,
    input: convertInput(request.input, { warn, model: request.model, reasoningModel }),
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
  if (request.reasoning !== undefined && reasoningModel) {
    body.reasoning = convertReasoning(request.model, request.reasoning, warn);
  } else if (request.reasoning !== undefined && asksForReasoning(request.reasoning)) {
    warn('reasoning_dropped', 'reasoning', `${request.model} is not an OpenAI reasoning model; the reasoning settings were dropped.`);
  }
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = maxOutputTokens(request.maxOutputTokens, warn);
  const sampling = allowsSampling(request.model, body.reasoning?.effort);
  if (request.temperature !== undefined) {
    if (sampling) body.temperature = request.temperature;
    else warn('sampling_dropped', 'temperature', `${request.model} supports only the default temperature; temperature was not sent.`);
  }
  if (request.topP !== undefined) {
    if (sampling) body.top_p = request.topP;
    else warn('sampling_dropped', 'top_p', `${request.model} supports only the default top_p; top_p was not sent.`);
  }
  if (request.user !== undefined) body.safety_identifier = safetyIdentifier(request.user, warn);
  if (request.metadata !== undefined) body.metadata = request.metadata;
  // With `store: false` the reasoning of one turn reaches the next only as `encrypted_content`
  // replayed in the items (https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items).
  // Other models reject it ("Encrypted content is not supported with this model"); they make no
  // reasoning, so nothing is lost by leaving it out.
  if (reasoningModel) body.include = ['reasoning.encrypted_content'];
  if (request.webSearch !== undefined) body.tools = [...(body.tools ?? []), convertWebSearch(request.webSearch, warn)];
  if (request.native?.provider === 'openai') applyNative(body, request.native);
  return { body, warnings };
}

/**
 * OpenAI-native fields the caller sent go as they are (docs/product.md §6): hosted tools after the
 * function tools, `include` values beside ours, an object such as `text` merged into ours, the
 * rest (store, previous_response_id, truncation, a hosted tool_choice, …) set.
 */
function applyNative(body: OpenAIResponsesRequest, native: NativeFields): void {
  const out = body as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(native.body)) {
    const ours = out[key];
    if (Array.isArray(ours) && Array.isArray(value)) out[key] = [...new Set([...(ours as unknown[]), ...(value as unknown[])])];
    else if (isObject(ours) && isObject(value)) out[key] = { ...ours, ...value };
    else out[key] = value;
  }
  if (native.tools.length > 0) body.tools = [...(body.tools ?? []), ...(native.tools as unknown as NonNullable<OpenAIResponsesRequest['tools']>)];
}

/**
 * The web search tool: the caller's own when it wrote OpenAI's, else `web_search` with the settings
 * it has. https://platform.openai.com/docs/guides/tools-web-search
 */
function convertWebSearch(tool: WebSearchTool, warn: Warn): OpenAIWebSearchTool {
  if (tool.raw?.provider === 'openai') return tool.raw.tool as unknown as OpenAIWebSearchTool;
  const out: OpenAIWebSearchTool = { type: 'web_search' };
  if (tool.allowedDomains !== undefined) out.filters = { allowed_domains: tool.allowedDomains };
  if (tool.userLocation !== undefined) out.user_location = { type: 'approximate', ...tool.userLocation };
  if (tool.contextSize !== undefined) out.search_context_size = tool.contextSize;
  if (tool.blockedDomains !== undefined) {
    warn('web_search_changed', `${tool.field}.filters.blocked_domains`, 'OpenAI web search takes only allowed domains; the blocked domains were not sent.');
  }
  if (tool.maxUses !== undefined) {
    warn('web_search_changed', `${tool.field}.max_uses`, 'OpenAI web search has no per-tool use limit; max_uses was not sent.');
  }
  warnUncarried(tool, 'OpenAI', warn);
  return out;
}

/** OpenAI's limits on a few request values; https://platform.openai.com/docs/api-reference/responses/create */
const MIN_OUTPUT_TOKENS = 16;
const MAX_ID_LENGTH = 64;

function maxOutputTokens(requested: number, warn: Warn): number {
  if (requested >= MIN_OUTPUT_TOKENS) return requested;
  warn('output_limit_raised', 'max_output_tokens', `OpenAI requires max_output_tokens of at least ${MIN_OUTPUT_TOKENS}; ${requested} was raised to ${MIN_OUTPUT_TOKENS}.`);
  return MIN_OUTPUT_TOKENS;
}

function safetyIdentifier(user: string, warn: Warn): string {
  if (user.length <= MAX_ID_LENGTH) return user;
  warn('translated', 'user', `The end-user id is longer than OpenAI's ${MAX_ID_LENGTH} characters; its SHA-256 was sent as safety_identifier.`);
  return sha256(user);
}

/** Over-long call ids become their SHA-256 (64 hex chars), the same for a call and its output. */
function callId(id: string, field: string, warn: Warn): string {
  if (id.length <= MAX_ID_LENGTH) return id;
  warn('translated', field, `A tool call id is longer than OpenAI's ${MAX_ID_LENGTH} characters; its SHA-256 was sent instead.`);
  return sha256(id);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function openaiServiceTierFor(tier: RequestedTier): OpenAIServiceTier {
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

interface InputContext {
  warn: Warn;
  model: string;
  reasoningModel: boolean;
}

function convertInput(items: readonly InputItem[], context: InputContext): OpenAIInputItem[] {
  const out: OpenAIInputItem[] = [];
  items.forEach((item, index) => {
    const converted = convertItem(item, `input[${index}]`, context);
    if (converted !== undefined) out.push(converted);
  });
  return out;
}

/** One input item; `field` names it in warnings (`input[2]`). */
function convertItem(item: InputItem, field: string, context: InputContext): OpenAIInputItem | undefined {
  const { warn } = context;
  switch (item.type) {
    case 'message':
      if (item.role === 'assistant') return convertAssistant(item, field, warn);
      return {
        type: 'message',
        role: item.role,
        content: item.content.map((part) => convertInputContent(part, field, warn)),
      };
    // Item ids are never replayed, reasoning included: ids minted by other providers would fail
    // OpenAI's id checks, and with store=false echoed ids can be looked up and missed.
    case 'function_call':
      return { type: 'function_call', call_id: callId(item.callId, `${field}.call_id`, warn), name: item.name, arguments: item.arguments };
    case 'function_call_output':
      return convertToolOutput(item, field, warn);
    case 'reasoning':
      return convertReasoningItem(item, field, context);
    // A reference FlexInference does not keep may name an item the caller stored at OpenAI.
    case 'item_reference':
      return { type: 'item_reference', id: item.id };
    case 'web_search_call':
      if (item.provider === 'openai' && item.raw !== undefined) return item.raw as unknown as OpenAIInputItem;
      warn('translated', field, `A web search run by ${item.provider} cannot be replayed to OpenAI and was dropped; the answer's text and citations still carry what it found.`);
      return undefined;
    // OpenAI's own items (hosted tool calls, MCP approvals, …) go back exactly as it sent them.
    case 'provider_item':
      if (item.provider === 'openai') return item.raw as unknown as OpenAIInputItem;
      warn('provider_item_dropped', field, droppedItem(item, 'OpenAI'));
      return undefined;
  }
}

function convertInputContent(part: InputContent, field: string, warn: Warn): OpenAIInputContent {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image':
      return { type: 'input_image', image_url: imageUrl(part.source), detail: part.detail ?? 'auto' };
    case 'refusal':
      warn('translated', field, 'A refusal in user content was sent to OpenAI as plain text.');
      return { type: 'input_text', text: part.refusal };
    case 'file':
      return convertFile(part, field);
  }
}

/** https://platform.openai.com/docs/guides/pdf-files */
function convertFile(part: FileContent, field: string): OpenAIInputContent {
  const name = part.filename !== undefined ? { filename: part.filename } : {};
  const detail = part.detail !== undefined ? { detail: part.detail } : {};
  switch (part.source.type) {
    case 'base64':
      // OpenAI requires a filename beside inline data; a document block has none, so one is made up.
      return { type: 'input_file', file_data: `data:${part.source.mediaType};base64,${part.source.data}`, filename: part.filename ?? 'document.pdf', ...detail };
    case 'url':
      return { type: 'input_file', file_url: part.source.url, ...name, ...detail };
    case 'file_id':
      if (part.source.provider !== 'openai') throw foreignFile(part.source.provider, field);
      return { type: 'input_file', file_id: part.source.id, ...name, ...detail };
  }
}

function foreignFile(provider: ProviderName, field: string): FlexError {
  return new FlexError('unsupported_parameter', {
    param: field,
    detail: `A file uploaded to ${provider} cannot be read by OpenAI. Send the file's content as base64 data or by URL instead.`,
  });
}

function imageUrl(source: ImageSource): string {
  return source.type === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

function convertAssistant(message: InputMessage, field: string, warn: Warn): OpenAIInputItem {
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
      case 'file':
        warn('translated', field, 'Images and files in assistant messages have no OpenAI counterpart and were dropped.');
        break;
    }
  }
  return { type: 'message', role: 'assistant', content, ...(message.phase !== undefined ? { phase: message.phase } : {}) };
}

function convertToolOutput(item: FunctionCallOutputItem, field: string, warn: Warn): OpenAIInputItem {
  if (item.isError === true) {
    warn('translated', field, 'OpenAI has no error flag on function_call_output; the tool output was sent as is.');
  }
  const output = typeof item.output === 'string' ? item.output : item.output.map((part) => convertInputContent(part, field, warn));
  return { type: 'function_call_output', call_id: callId(item.callId, `${field}.call_id`, warn), output };
}

function convertReasoningItem(item: ReasoningItem, field: string, { warn, model, reasoningModel }: InputContext): OpenAIInputItem | undefined {
  if (item.opaque?.provider !== 'openai') {
    const from = item.opaque?.provider ?? 'an unknown provider';
    warn('reasoning_item_dropped', field, `Reasoning from ${from} cannot be replayed to OpenAI and was dropped.`);
    return undefined;
  }
  if (!reasoningModel) {
    warn('reasoning_item_dropped', field, `${model} is not an OpenAI reasoning model; replayed OpenAI reasoning was dropped.`);
    return undefined;
  }
  // Sent without its `rs_` id, as OpenAI's stateless Codex client does: with store=false an id'd
  // reasoning item must be followed by its original (id'd) item, which replayed items are not.
  return {
    type: 'reasoning',
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

// The canonical model: one internal form for every request, result and stream, shaped after the
// OpenAI Responses API (the richest of the four caller formats). Types only; imports nothing.
//
// Conventions:
// - camelCase here; each surface and provider maps its own wire names.
// - Token counts follow OpenAI semantics: `inputTokens` INCLUDES cached tokens, `outputTokens`
//   INCLUDES reasoning tokens. Adapters whose provider counts differently convert at the edge.
// - Opaque provider state (OpenAI encrypted reasoning, Anthropic thinking signatures, Gemini thought
//   signatures) is kept verbatim with the provider that produced it, so it is replayed only there.

export type ProviderName = 'openai' | 'gemini' | 'anthropic';
export type SurfaceName = 'responses' | 'chat' | 'messages' | 'interactions';

/** The tier a request was served on, as FlexInference reports it. */
export type ServedTier = 'flex' | 'standard' | 'priority';

/** The tier FlexInference asks a provider for. `auto` lets the provider pick. */
export type RequestedTier = 'flex' | 'standard' | 'priority' | 'auto';

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/**
 * How a request reached the tier that served it (`x-flexinference-route`, docs/product.md §4):
 * `direct` for a tier asked for by name, otherwise the flex race's decision.
 */
export type Route =
  | 'direct'
  | 'flex_admitted'
  | 'flex_timeout'
  | 'flex_unavailable'
  | 'flex_error'
  | 'flex_skipped_predicted_miss'
  | 'flex_failed_after_admission';

// ---------------------------------------------------------------------------------------------
// Request

export interface CanonicalRequest {
  model: string;
  /** System / developer instructions, in order. */
  instructions?: string;
  input: InputItem[];
  tools?: FunctionTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  output?: OutputFormat;
  reasoning?: ReasoningConfig;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  /** End-user id for abuse monitoring (OpenAI `user` / `safety_identifier`, Anthropic metadata.user_id). */
  user?: string;
  metadata?: Record<string, string>;
  /** Ask the provider to return opaque reasoning state so it can be replayed (stateless use). */
  includeEncryptedReasoning?: boolean;
  /** Let the model search the web, run by the provider (docs/product.md §6). */
  webSearch?: WebSearchTool;
  /** Fields native to the caller's provider API, passed through only to that provider. */
  native?: NativeFields;
}

/**
 * Fields native to one provider's API with no canonical counterpart ("use them exactly as you would
 * with the provider"): sent verbatim when the request goes to that provider, refused when it goes to
 * another (each of `refusable` names one), except `body` fields FlexInference honours itself.
 */
export interface NativeFields {
  provider: ProviderName;
  /** Top-level upstream body fields; an object or array merges into what the converter built. */
  body: Record<string, unknown>;
  /** Provider-run (hosted) tools, sent after the function tools. */
  tools: Record<string, unknown>[];
  /** The caller's fields that only that provider can honour, with what to do instead elsewhere. */
  refusable: { param: string; instead: string }[];
}

/**
 * Provider-run web search: OpenAI `web_search`, Anthropic `web_search_20250305`, Gemini
 * `google_search`. The settings each provider can honour are mapped; the caller's tool is kept
 * verbatim in `raw` and sent as is to the provider whose dialect it was written in.
 */
export interface WebSearchTool {
  /** Where the caller gave the tool (`tools[1]`, `web_search_options`), for warnings. */
  field: string;
  /** At most this many searches in one response (Anthropic `max_uses`). */
  maxUses?: number;
  allowedDomains?: string[];
  blockedDomains?: string[];
  userLocation?: UserLocation;
  /** How much search context the model reads (OpenAI `search_context_size`). */
  contextSize?: 'low' | 'medium' | 'high';
  raw?: { provider: ProviderName; tool: Record<string, unknown> };
}

/** An approximate location for search results: ISO country code, IANA timezone. */
export interface UserLocation {
  city?: string;
  region?: string;
  country?: string;
  timezone?: string;
}

export interface ReasoningConfig {
  effort?: ReasoningEffort;
  summary?: 'auto' | 'concise' | 'detailed';
  /** Explicit thinking budget when the caller gave one (Anthropic `budget_tokens`). */
  budgetTokens?: number;
}

export type OutputFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean;
    };

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  /**
   * Stream the arguments without buffering for validation (Anthropic `eager_input_streaming`).
   * Elsewhere it changes only how the arguments are chunked, so it is dropped there.
   */
  eagerInputStreaming?: boolean;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'function'; name: string };

export type InputItem =
  | InputMessage
  | FunctionCallItem
  | FunctionCallOutputItem
  | ReasoningItem
  | ItemReference
  | WebSearchCallItem
  | ProviderItem;

/**
 * An earlier output item named by id (Responses `item_reference`). The server replaces it with the
 * kept item before a provider sees the request; only OpenAI is ever sent one it could not resolve.
 */
export interface ItemReference {
  type: 'item_reference';
  id: string;
}

export interface InputMessage {
  type: 'message';
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: InputContent[];
  /** Id of an earlier output message being replayed, when the caller kept it. */
  id?: string;
  /** OpenAI `phase` (commentary | final_answer) of a replayed assistant message. */
  phase?: string;
}

export type InputContent =
  | { type: 'text'; text: string }
  | { type: 'image'; source: ImageSource; detail?: 'auto' | 'low' | 'high' }
  | { type: 'refusal'; refusal: string }
  | FileContent;

export type ImageSource =
  | { type: 'url'; url: string }
  | { type: 'base64'; mediaType: string; data: string };

/** A document (a PDF) given as input: Responses `input_file`, a Messages `document` block. */
export interface FileContent {
  type: 'file';
  source: FileSource;
  filename?: string;
  /** How finely OpenAI renders the file (Responses `input_file.detail`); the others have no setting. */
  detail?: 'auto' | 'low' | 'high';
}

export type FileSource =
  | { type: 'base64'; mediaType: string; data: string }
  | { type: 'url'; url: string }
  /** A file uploaded to one provider, usable with that provider only. */
  | { type: 'file_id'; provider: ProviderName; id: string };

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  callId: string;
  /** Text, or rich content (text and images) when the caller sent blocks. */
  output: string | InputContent[];
  isError?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Output items (also valid as input when a caller replays earlier turns)

export type OutputItem = OutputMessage | ReasoningItem | FunctionCallItem | WebSearchCallItem | ProviderItem;

export interface OutputMessage {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ItemStatus;
  content: OutputContent[];
  /** OpenAI `phase` (commentary | final_answer) when the provider sent one. */
  phase?: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type OutputContent =
  | { type: 'output_text'; text: string; annotations?: Annotation[] }
  | { type: 'refusal'; refusal: string };

/** A note on a span of output text: a web source it came from, or another provider's kind, kept raw. */
export type Annotation = UrlCitation | { type: 'other'; provider: ProviderName; raw: Record<string, unknown> };

/**
 * The span `text.slice(startIndex, endIndex)` (JavaScript string indexes) is supported by `url`.
 */
export interface UrlCitation {
  type: 'url_citation';
  url: string;
  title: string;
  startIndex: number;
  endIndex: number;
}

/** Searches the provider ran on its own (Responses `web_search_call`). */
export interface WebSearchCallItem {
  type: 'web_search_call';
  id: string;
  status: 'in_progress' | 'searching' | 'completed' | 'failed';
  /** The provider that ran it; only that provider is ever sent it back. */
  provider: ProviderName;
  /** The queries run, in order. */
  queries: string[];
  /** Pages the search found, when the provider lists them. */
  sources: { url: string; title?: string }[];
  /** The provider's own item as it sent it, replayed to that provider verbatim. */
  raw?: Record<string, unknown>;
}

/**
 * An item of a kind only one provider has and FlexInference does not model — OpenAI's hosted tool
 * calls (`code_interpreter_call`, `file_search_call`, `mcp_call`, `image_generation_call`,
 * `computer_call`, …) and the caller's answers to them (`mcp_approval_response`,
 * `computer_call_output`, …). Kept verbatim: shown as is on the provider's own surface, replayed only
 * to that provider, skipped elsewhere.
 */
export interface ProviderItem {
  type: 'provider_item';
  /** The provider's item id; '' when the item has none (some caller-made items). */
  id: string;
  provider: ProviderName;
  /** The provider's item type, e.g. `code_interpreter_call`. */
  itemType: string;
  /** The item as the provider (or the caller) wrote it. */
  raw: Record<string, unknown>;
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  /** Reasoning summaries (OpenAI summary parts, Gemini thought summaries). */
  summary: string[];
  /** Full reasoning text when the provider exposes it (Anthropic thinking blocks). */
  text?: string;
  /** Opaque state to replay to the provider that made it. */
  opaque?: OpaqueReasoning;
  status?: ItemStatus;
}

export interface OpaqueReasoning {
  provider: ProviderName;
  /**
   * openai: `encrypted_content`; anthropic: thinking `signature` (or redacted thinking `data` when
   * `redacted`); gemini: thought `signature`.
   */
  data: string;
  redacted?: boolean;
}

export interface FunctionCallItem {
  type: 'function_call';
  /** Provider item id (OpenAI `fc_…`); generated when the provider has none. */
  id: string;
  callId: string;
  name: string;
  /** JSON text of the arguments object. */
  arguments: string;
  status?: ItemStatus;
  /** Gemini attaches thought signatures to function calls; kept for replay. */
  opaque?: OpaqueReasoning;
}

// ---------------------------------------------------------------------------------------------
// Result

export interface Usage {
  /** All input tokens, cached included. */
  inputTokens: number;
  cachedTokens: number;
  /** Tokens written to the provider's prompt cache (Anthropic cache creation), when reported. */
  cacheWriteTokens?: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
}

export type ResponseStatus = 'completed' | 'incomplete' | 'failed';

/** Why a response stopped, with the provider's raw value kept beside it. */
export type FinishReason =
  | { type: 'stop' }
  | { type: 'max_output_tokens' }
  | { type: 'tool_calls' }
  | { type: 'content_filter' }
  | { type: 'refusal' }
  /**
   * A provider-run tool loop (web search) stopped before the answer, to be continued by sending the
   * turn back (Anthropic `pause_turn`). https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
   */
  | { type: 'paused' }
  | { type: 'other'; raw: string };

export interface CanonicalResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  createdAt: number;
  status: ResponseStatus;
  finishReason: FinishReason;
  output: OutputItem[];
  usage: Usage;
  servedTier: ServedTier;
  /** The provider's own tier string (e.g. OpenAI `default`), when it reported one. */
  rawServiceTier?: string;
  provider: ProviderName;
}

// ---------------------------------------------------------------------------------------------
// Stream
//
// A provider yields these in order; a surface encoder renders them. Indexes follow the Responses
// API: `outputIndex` numbers output items from 0; `contentIndex` numbers a message's content
// parts; `summaryIndex` numbers a reasoning item's summary parts. Every `*.added` is matched by a
// `*.done` before its parent's `item.done`. A stream ends with exactly one `response.completed`
// (status completed or incomplete); failures are thrown as FlexError from the iterator instead.

export type CanonicalStreamEvent =
  | AdmittedEvent
  | ResponseCreatedEvent
  | ItemAddedEvent
  | ContentPartAddedEvent
  | TextDeltaEvent
  | RefusalDeltaEvent
  | ContentPartDoneEvent
  | ReasoningSummaryPartAddedEvent
  | ReasoningSummaryDeltaEvent
  | ReasoningSummaryPartDoneEvent
  | ReasoningTextDeltaEvent
  | FunctionCallArgumentsDeltaEvent
  | AnnotationAddedEvent
  | ItemDoneEvent
  | ProviderItemEvent
  | ResponseCompletedEvent;

/** The provider's proof that work started (see docs/product.md §4 step 2). Emitted once, first or early. */
export interface AdmittedEvent {
  type: 'admitted';
}

export interface ResponseCreatedEvent {
  type: 'response.created';
  id: string;
  model: string;
  createdAt: number;
  /**
   * Usage as far as the provider knows it at the start: the input side is final, output counts are
   * provisional. Only when the provider reports it then (Anthropic `message_start`).
   */
  usage?: Usage;
  /** The tier the provider says it is serving on, when it says so at the start (Anthropic). */
  servedTier?: ServedTier;
}

export interface ItemAddedEvent {
  type: 'item.added';
  outputIndex: number;
  /** The item in its initial state: empty content / summary / arguments. */
  item: OutputItem;
}

export interface ContentPartAddedEvent {
  type: 'content_part.added';
  outputIndex: number;
  contentIndex: number;
  part: OutputContent;
}

export interface TextDeltaEvent {
  type: 'text.delta';
  outputIndex: number;
  contentIndex: number;
  delta: string;
}

export interface RefusalDeltaEvent {
  type: 'refusal.delta';
  outputIndex: number;
  contentIndex: number;
  delta: string;
}

export interface ContentPartDoneEvent {
  type: 'content_part.done';
  outputIndex: number;
  contentIndex: number;
  part: OutputContent;
}

export interface ReasoningSummaryPartAddedEvent {
  type: 'reasoning_summary_part.added';
  outputIndex: number;
  summaryIndex: number;
}

export interface ReasoningSummaryDeltaEvent {
  type: 'reasoning_summary.delta';
  outputIndex: number;
  summaryIndex: number;
  delta: string;
}

export interface ReasoningSummaryPartDoneEvent {
  type: 'reasoning_summary_part.done';
  outputIndex: number;
  summaryIndex: number;
  text: string;
}

/** Full reasoning text (Anthropic thinking), outside any summary part. */
export interface ReasoningTextDeltaEvent {
  type: 'reasoning_text.delta';
  outputIndex: number;
  delta: string;
}

export interface FunctionCallArgumentsDeltaEvent {
  type: 'function_call_arguments.delta';
  outputIndex: number;
  delta: string;
}

/**
 * An annotation on an output_text part, after its text and before the part's `content_part.done`
 * (whose part lists every annotation again). `annotationIndex` numbers them within the part.
 */
export interface AnnotationAddedEvent {
  type: 'annotation.added';
  outputIndex: number;
  contentIndex: number;
  annotationIndex: number;
  annotation: Annotation;
}

/** The complete item, including opaque state (signatures arrive here). */
export interface ItemDoneEvent {
  type: 'item.done';
  outputIndex: number;
  item: OutputItem;
}

/**
 * A provider's own stream event about a provider item (`response.code_interpreter_call_code.delta`,
 * `response.mcp_call.completed`, …), between that item's `item.added` and `item.done`. Kept verbatim
 * for the surface that speaks the provider's dialect; `raw` keeps the upstream `output_index`, which
 * `outputIndex` replaces.
 */
export interface ProviderItemEvent {
  type: 'provider_item.event';
  outputIndex: number;
  provider: ProviderName;
  raw: Record<string, unknown>;
}

export interface ResponseCompletedEvent {
  type: 'response.completed';
  response: CanonicalResponse;
}

// ---------------------------------------------------------------------------------------------
// Warnings: what a translation changed to make a request fit (docs/product.md §7). Decoding the
// caller's body and converting the canonical request for one provider and tier each return their
// own; none is ever written into the request.

export type WarningCode =
  /** `temperature` / `top_p` not sent (a reasoning model, thinking on, or both given to Anthropic). */
  | 'sampling_dropped'
  /** Reasoning was asked for, but thinking stayed off (no room under the output limit, a forced tool, …). */
  | 'thinking_disabled'
  /** An explicit thinking budget was clamped to the provider's range, or has no counterpart. */
  | 'thinking_budget_changed'
  /** The output limit was raised to the provider's minimum. */
  | 'output_limit_raised'
  /** Reasoning settings were not sent (a model that does not reason, or takes no effort choice). */
  | 'reasoning_dropped'
  /** A reasoning effort or summary setting was replaced by the nearest one the model takes. */
  | 'reasoning_changed'
  /** A replayed reasoning item was not sent (another provider's, or no longer kept). */
  | 'reasoning_item_dropped'
  /** An `item_reference` that could not be resolved was not sent. */
  | 'item_reference_dropped'
  /** A replayed provider item (an OpenAI hosted tool call, …) was not sent to another provider. */
  | 'provider_item_dropped'
  /** A web search setting (a domain filter, a location, a use limit) the provider cannot honour was not sent. */
  | 'web_search_changed'
  /** Any other lossy translation (a field with no counterpart dropped, a value rewritten). */
  | 'translated';

export interface Warning {
  code: WarningCode;
  /**
   * The field that changed: a path in the caller's body for a decoding warning (`messages.0.content.1`),
   * the canonical field in the Responses API's spelling for a provider's (`temperature`, `input[2]`).
   */
  field: string;
  /** The change in one sentence, for logs and the ledger. */
  message: string;
}

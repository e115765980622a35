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
  /** Lossy translations made while decoding; logged and counted, never silent. */
  warnings?: string[];
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
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'function'; name: string };

export type InputItem = InputMessage | FunctionCallItem | FunctionCallOutputItem | ReasoningItem;

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
  | { type: 'refusal'; refusal: string };

export type ImageSource =
  | { type: 'url'; url: string }
  | { type: 'base64'; mediaType: string; data: string };

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  callId: string;
  /** Text, or rich content (text and images) when the caller sent blocks. */
  output: string | InputContent[];
  isError?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Output items (also valid as input when a caller replays earlier turns)

export type OutputItem = OutputMessage | ReasoningItem | FunctionCallItem;

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
  | { type: 'output_text'; text: string; annotations?: unknown[] }
  | { type: 'refusal'; refusal: string };

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
export type StopReason =
  | { type: 'stop' }
  | { type: 'max_output_tokens' }
  | { type: 'tool_calls' }
  | { type: 'content_filter' }
  | { type: 'refusal' }
  | { type: 'other'; raw: string };

export interface CanonicalResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  createdAt: number;
  status: ResponseStatus;
  stopReason: StopReason;
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
  | ItemDoneEvent
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

/** The complete item, including opaque state (signatures arrive here). */
export interface ItemDoneEvent {
  type: 'item.done';
  outputIndex: number;
  item: OutputItem;
}

export interface ResponseCompletedEvent {
  type: 'response.completed';
  response: CanonicalResponse;
}

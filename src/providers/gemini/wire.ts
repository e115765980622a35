// The Gemini Interactions API wire shapes this provider sends and reads (May-2026 "steps" schema).
// Reference: https://ai.google.dev/api/interactions-api and the @google/genai 2.x `interactions`
// types (CreateModelInteraction, Step, InteractionSSEEvent). Only the fields we use are typed;
// everything read from the wire is treated as untrusted and checked before use.

// ---------------------------------------------------------------------------------------------
// Request

export type WireServiceTier = 'flex' | 'standard' | 'priority';
export type WireThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

export interface WireTextContent {
  type: 'text';
  text: string;
}

export interface WireImageContent {
  type: 'image';
  /** Base64 bytes; exclusive with `uri`. */
  data?: string;
  uri?: string;
  mime_type?: string;
  resolution?: 'low' | 'medium' | 'high';
}

/** A document (PDF, …): base64 `data` or a `uri`. */
export interface WireDocumentContent {
  type: 'document';
  data?: string;
  uri?: string;
  mime_type?: string;
}

export type WireContent = WireTextContent | WireImageContent | WireDocumentContent;

export interface WireUserInputStep {
  type: 'user_input';
  content: WireContent[];
}

export interface WireModelOutputStep {
  type: 'model_output';
  content: WireContent[];
}

export interface WireThoughtStep {
  type: 'thought';
  signature?: string;
  summary?: WireTextContent[];
}

export interface WireFunctionCallStep {
  type: 'function_call';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface WireFunctionResultStep {
  type: 'function_result';
  call_id: string;
  name?: string;
  result: string | WireContent[];
  is_error?: boolean;
}

export type WireStep =
  | WireUserInputStep
  | WireModelOutputStep
  | WireThoughtStep
  | WireFunctionCallStep
  | WireFunctionResultStep;

export interface WireFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** `generation_config.tool_choice`: a mode, or the allowed-tools form to force one function. */
export type WireToolChoice =
  | 'auto'
  | 'any'
  | 'none'
  | { allowed_tools: { mode: 'any'; tools: string[] } };

/** Grounding with Google Search (the Interactions `GoogleSearch` tool). */
export interface WireGoogleSearchTool {
  type: 'google_search';
  search_types?: string[];
}

export interface WireResponseFormat {
  type: 'text';
  mime_type: 'application/json';
  schema?: Record<string, unknown>;
}

export interface WireGenerationConfig {
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  thinking_level?: WireThinkingLevel;
  thinking_summaries?: 'auto';
  tool_choice?: WireToolChoice;
}

export interface WireCreateInteraction {
  model: string;
  input: WireStep[];
  system_instruction?: string;
  tools?: (WireFunctionTool | WireGoogleSearchTool)[];
  response_format?: WireResponseFormat[];
  generation_config?: WireGenerationConfig;
  service_tier: WireServiceTier;
  /** Stateless use: nothing is kept server-side; history travels in `input`. */
  store: false;
  stream: true;
}

// ---------------------------------------------------------------------------------------------
// Stream (read side). Loose on purpose: every field is optional and checked where used.

export interface WireUsage {
  total_input_tokens?: number;
  total_cached_tokens?: number;
  total_output_tokens?: number;
  total_thought_tokens?: number;
  total_tool_use_tokens?: number;
  total_tokens?: number;
}

export interface WireStatus {
  code?: number | string;
  message?: string;
  status?: string;
}

export interface WireInteraction {
  id?: string;
  status?: string;
  model?: string;
  created?: string;
  service_tier?: string;
  usage?: WireUsage;
  error?: WireStatus;
}

export interface WireStreamStep {
  type?: string;
  id?: string;
  name?: string;
  signature?: string;
  arguments?: unknown;
  summary?: unknown;
  content?: unknown;
}

export interface WireStreamDelta {
  type?: string;
  text?: string;
  signature?: string;
  arguments?: unknown;
  id?: string;
  content?: { type?: string; text?: string };
  annotations?: unknown;
}

export type WireStreamEvent =
  | { event_type: 'interaction.created'; interaction?: WireInteraction }
  | { event_type: 'interaction.status_update'; status?: string }
  | { event_type: 'interaction.completed'; interaction?: WireInteraction }
  | { event_type: 'step.start'; index?: number; step?: WireStreamStep }
  | { event_type: 'step.delta'; index?: number; delta?: WireStreamDelta }
  | { event_type: 'step.stop'; index?: number }
  | { event_type: 'error'; error?: WireStatus };

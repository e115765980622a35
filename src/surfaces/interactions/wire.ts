// The Interactions wire shapes this surface writes back to the caller (May-2026 "steps" schema),
// typed after the recorded traffic in test/fixtures/gemini/ and the @google/genai 2.x
// `Interaction`, `Step` and `InteractionSSEEvent` types. Key order follows the recorded bodies.

export type InteractionStatus = 'completed' | 'requires_action' | 'incomplete' | 'failed';

export interface ModalityTokens {
  modality: string;
  tokens: number;
}

export interface InteractionUsage {
  total_tokens: number;
  total_input_tokens: number;
  input_tokens_by_modality?: ModalityTokens[];
  total_cached_tokens: number;
  /** Answer tokens only: Gemini counts thought tokens separately. */
  total_output_tokens: number;
  total_tool_use_tokens: number;
  total_thought_tokens: number;
}

export interface TextContent {
  text: string;
  type: 'text';
  annotations?: UrlCitation[];
}

/** A cited span of the text, its offsets in UTF-8 bytes. */
export interface UrlCitation {
  type: 'url_citation';
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}

export interface ThoughtStep {
  signature?: string;
  summary?: TextContent[];
  type: 'thought';
}

export interface ModelOutputStep {
  content: TextContent[];
  type: 'model_output';
}

export interface FunctionCallStep {
  id: string;
  signature?: string;
  type: 'function_call';
  name: string;
  arguments: Record<string, unknown>;
}

/** Grounding with Google Search: the queries run, then the (opaque) search suggestions. */
export interface GoogleSearchCallStep {
  id: string;
  type: 'google_search_call';
  arguments: { queries: string[] };
}

export interface GoogleSearchResultStep {
  call_id: string;
  type: 'google_search_result';
  result: { search_suggestions?: string }[];
  is_error?: boolean;
}

export type InteractionStep = ThoughtStep | ModelOutputStep | FunctionCallStep | GoogleSearchCallStep | GoogleSearchResultStep;

export interface Interaction {
  id: string;
  status: InteractionStatus;
  usage: InteractionUsage;
  created: string;
  updated: string;
  service_tier: string;
  steps: InteractionStep[];
  object: 'interaction';
  model: string;
}

// ---------------------------------------------------------------------------------------------
// Stream events (`event: <event_type>` + `data: <json>`; the stream ends `event: done` / `[DONE]`)

/** `step.start` announces a step in its initial state (no content, empty arguments). */
export type StartedStep =
  | { type: 'thought' }
  | { type: 'model_output' }
  | { id: string; signature: string; type: 'function_call'; name: string; arguments: Record<string, never> }
  | GoogleSearchCallStep
  | GoogleSearchResultStep;

export type StepDelta =
  | { text: string; type: 'text' }
  | { content: TextContent; type: 'thought_summary' }
  | { signature: string; type: 'thought_signature' }
  | { arguments: string; type: 'arguments_delta' }
  | { annotations: UrlCitation[]; type: 'text_annotation_delta' };

export type InteractionEvent =
  | {
      interaction: { id: string; status: 'in_progress'; object: 'interaction'; model: string };
      event_type: 'interaction.created';
    }
  | { interaction_id: string; status: 'in_progress'; event_type: 'interaction.status_update' }
  | { index: number; step: StartedStep; event_type: 'step.start' }
  | { index: number; delta: StepDelta; event_type: 'step.delta' }
  | { index: number; event_type: 'step.stop' }
  | { interaction: Omit<Interaction, 'steps'>; event_type: 'interaction.completed' }
  | { error: { code: string; message: string }; event_type: 'error' };

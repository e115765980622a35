// The slice of the OpenAI Responses API wire format this provider writes, plus small readers for
// the JSON it receives. Request shapes follow https://platform.openai.com/docs/api-reference/responses/create
// (field names checked against the openai-node 6.x types).

export type OpenAIServiceTier = 'flex' | 'default' | 'priority' | 'auto';

export interface OpenAIResponsesRequest {
  model: string;
  stream: true;
  service_tier: OpenAIServiceTier;
  /** The gateway is stateless: nothing is stored upstream, state travels in the items. */
  store: false;
  input: OpenAIInputItem[];
  instructions?: string;
  tools?: OpenAIFunctionTool[];
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  text?: { format: OpenAITextFormat };
  reasoning?: { effort?: string; summary?: string };
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  /** Replaces the deprecated `user` field (https://help.openai.com/en/articles/5428082). */
  safety_identifier?: string;
  metadata?: Record<string, string>;
  include?: string[];
}

export type OpenAIInputItem =
  | OpenAIInputMessage
  | OpenAIAssistantMessage
  | OpenAIFunctionCall
  | OpenAIFunctionCallOutput
  | OpenAIReasoningInput
  | { type: 'item_reference'; id: string };

export interface OpenAIInputMessage {
  type: 'message';
  role: 'user' | 'system' | 'developer';
  content: OpenAIInputContent[];
}

export type OpenAIInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail: 'auto' | 'low' | 'high' };

export interface OpenAIAssistantMessage {
  type: 'message';
  role: 'assistant';
  content: OpenAIAssistantContent[];
  phase?: string;
}

export type OpenAIAssistantContent =
  | { type: 'output_text'; text: string; annotations: unknown[] }
  | { type: 'refusal'; refusal: string };

export interface OpenAIFunctionCall {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}

export interface OpenAIFunctionCallOutput {
  type: 'function_call_output';
  call_id: string;
  output: string | OpenAIInputContent[];
}

export interface OpenAIReasoningInput {
  type: 'reasoning';
  /**
   * No `id`: the encrypted content stands alone. With store=false an `rs_` id makes OpenAI demand
   * the item that originally followed it ("provided without its required following item").
   */
  encrypted_content: string;
  summary: { type: 'summary_text'; text: string }[];
}

export interface OpenAIFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: boolean;
}

export type OpenAIToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export type OpenAITextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean;
    };

// ---------------------------------------------------------------------------------------------
// Readers for received JSON. Upstream payloads are validated field by field where they are used,
// instead of trusting a cast of the whole event.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

export function num(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function obj(parent: JsonObject, key: string): JsonObject | undefined {
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

export function arr(parent: JsonObject, key: string): unknown[] {
  const value = parent[key];
  return Array.isArray(value) ? value : [];
}

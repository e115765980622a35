// The slice of the OpenAI Responses API wire format this provider writes, plus small readers for
// the JSON it receives. Request shapes follow https://platform.openai.com/docs/api-reference/responses/create
// (field names checked against the openai-node 6.x types).

export type OpenAIServiceTier = 'flex' | 'default' | 'priority' | 'auto';

export interface OpenAIResponsesRequest {
  model: string;
  /** Streamed, except where one whole answer serves (see createOpenAIProvider). */
  stream: boolean;
  service_tier: OpenAIServiceTier;
  /** The gateway is stateless: nothing is stored upstream, state travels in the items. */
  store: false;
  input: OpenAIInputItem[];
  instructions?: string;
  tools?: (OpenAIFunctionTool | OpenAIWebSearchTool)[];
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
  | { type: 'input_image'; image_url: string; detail: 'auto' | 'low' | 'high' }
  | { type: 'input_file'; file_data?: string; file_url?: string; file_id?: string; filename?: string; detail?: 'auto' | 'low' | 'high' };

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

/** https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools */
export interface OpenAIWebSearchTool {
  type: 'web_search';
  filters?: { allowed_domains: string[] };
  user_location?: { type: 'approximate'; city?: string; region?: string; country?: string; timezone?: string };
  search_context_size?: 'low' | 'medium' | 'high';
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

// The slice of the Anthropic Messages response and stream format this surface writes.
// Response: https://platform.claude.com/docs/en/api/messages
// Stream:   https://platform.claude.com/docs/en/build-with-claude/streaming
import type { AnthropicStopReason } from './map-finish-reason.js';
import type { AnthropicUsage } from './map-usage.js';

export type AnthropicContentBlock =
  | { type: 'text'; text: string; citations?: AnthropicWebCitation[] }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'server_tool_use'; id: string; name: 'web_search'; input: Record<string, unknown> }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: AnthropicWebSearchResult[] | AnthropicWebSearchError };

/**
 * Web search blocks and citations: https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool
 * `encrypted_content` / `encrypted_index` are Anthropic's opaque replay state: empty for searches
 * another provider ran (nothing to replay; a replayed empty one is dropped on the way back).
 */
export interface AnthropicWebSearchResult {
  type: 'web_search_result';
  url: string;
  title: string;
  encrypted_content: string;
  page_age: string | null;
}

export interface AnthropicWebSearchError {
  type: 'web_search_tool_result_error';
  error_code: 'unavailable';
}

export interface AnthropicWebCitation {
  type: 'web_search_result_location';
  url: string;
  title: string | null;
  cited_text: string;
  encrypted_index: string;
}

export interface AnthropicRefusalDetails {
  type: 'refusal';
  category: string | null;
  explanation: string | null;
}

export interface AnthropicMessage {
  model: string;
  id: string;
  type: 'message';
  role: 'assistant';
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  /** Sent with `stop_reason: "refusal"` only. */
  stop_details?: AnthropicRefusalDetails;
  usage: AnthropicUsage;
}

export type AnthropicDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'citations_delta'; citation: AnthropicWebCitation };

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AnthropicStopReason; stop_sequence: string | null; stop_details?: AnthropicRefusalDetails };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' };

// The slice of the Anthropic Messages response and stream format this surface writes.
// Response: https://platform.claude.com/docs/en/api/messages
// Stream:   https://platform.claude.com/docs/en/build-with-claude/streaming
import type { AnthropicStopReason } from './map-stop-reason.js';
import type { AnthropicUsage } from './map-usage.js';

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

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
  | { type: 'signature_delta'; signature: string };

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

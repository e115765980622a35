// Canonical response → an Anthropic Message (non-streaming /v1/messages answer).
// https://platform.claude.com/docs/en/api/messages
import type { CanonicalResponse } from '../../canonical/types.js';
import type { EncodeContext } from '../surface.js';
import { itemBlocks, messageId, refusalDetails } from './blocks.js';
import { mapStopReason } from './map-stop-reason.js';
import { mapUsage } from './map-usage.js';
import type { AnthropicMessage } from './wire-types.js';

export function encodeMessagesResponse(response: CanonicalResponse, ctx: EncodeContext): AnthropicMessage {
  const stopReason = mapStopReason(response);
  const message: AnthropicMessage = {
    model: response.model,
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    content: response.output.flatMap(itemBlocks),
    stop_reason: stopReason,
    stop_sequence: null,
    usage: mapUsage(response.usage, ctx.servedTier),
  };
  if (stopReason === 'refusal') message.stop_details = refusalDetails(response.output);
  return message;
}

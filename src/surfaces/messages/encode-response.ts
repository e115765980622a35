// Canonical response → an Anthropic Message (non-streaming /v1/messages answer).
// https://platform.claude.com/docs/en/api/messages
import type { CanonicalResponse } from '../../canonical/types.js';
import type { EncodeContext } from '../surface.js';
import { itemBlocks, messageId, refusalDetails } from './blocks.js';
import { mapMessagesStopReason } from './map-finish-reason.js';
import { mapMessagesUsage } from './map-usage.js';
import type { AnthropicMessage } from './wire.js';

export function encodeMessagesResponse(response: CanonicalResponse, ctx: EncodeContext): AnthropicMessage {
  const stopReason = mapMessagesStopReason(response);
  const message: AnthropicMessage = {
    model: response.model,
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    content: response.output.flatMap(itemBlocks),
    stop_reason: stopReason,
    stop_sequence: null,
    usage: mapMessagesUsage(response.usage, ctx.servedTier),
  };
  if (stopReason === 'refusal') message.stop_details = refusalDetails(response.output);
  return message;
}

// Canonical response → the Responses `response` object, and the in-progress / failed snapshots the
// stream sends. Field order follows the recorded object
// (test/fixtures/openai-responses/openai-reasoning-encrypted-content.1.json).
// https://platform.openai.com/docs/api-reference/responses/object
import type { CanonicalResponse, OutputItem, ServedTier } from '../../canonical/types.js';
import type { ResponsesEcho } from './echo.js';
import { encodeItem } from './encode-items.js';
import { mapServiceTier } from '../openai-dialect.js';
import { mapIncompleteDetails } from './map-status.js';
import { mapResponsesUsage, type ResponsesUsage } from './map-usage.js';

export interface ResponseHeader {
  id: string;
  model: string;
  createdAt: number;
}

export interface ResponseState {
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  error: { code: string; message: string } | null;
  incompleteDetails: { reason: string } | null;
  output: OutputItem[];
  usage: ResponsesUsage | null;
}

/** Responses ids start with `resp_`; ids from other providers get the prefix. */
export function responseId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id}`;
}

export function buildResponseObject(
  header: ResponseHeader,
  state: ResponseState,
  echo: ResponsesEcho,
  servedTier: ServedTier,
): Record<string, unknown> {
  return {
    id: responseId(header.id),
    object: 'response',
    created_at: header.createdAt,
    status: state.status,
    background: false,
    error: state.error,
    incomplete_details: state.incompleteDetails,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    max_tool_calls: null,
    model: header.model,
    output: state.output.map(encodeItem),
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: echo.reasoning,
    safety_identifier: echo.safety_identifier,
    service_tier: mapServiceTier(servedTier),
    store: echo.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_logprobs: 0,
    top_p: echo.top_p,
    truncation: 'disabled',
    usage: state.usage,
    user: echo.user,
    metadata: echo.metadata,
  };
}

/** The final state of a finished canonical response. */
export function finalState(response: CanonicalResponse): ResponseState {
  return {
    status: response.status,
    error: null,
    incompleteDetails: mapIncompleteDetails(response.status, response.finishReason),
    output: response.output,
    usage: mapResponsesUsage(response.usage),
  };
}

export function encodeResponsesResponse(response: CanonicalResponse, echo: ResponsesEcho, servedTier: ServedTier): Record<string, unknown> {
  const header: ResponseHeader = { id: response.id, model: response.model, createdAt: response.createdAt };
  return buildResponseObject(header, finalState(response), echo, servedTier);
}

// The OpenAI Response object and its output items, field for field (and in the same order) as in
// test/fixtures/openai-responses. https://platform.openai.com/docs/api-reference/responses/object
import type { Finish, Reply, ReplyBlock, ReplyUsage } from '../reply.js';
import type { OpenAIEcho } from './request.js';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseArgs {
  id: string;
  model: string;
  createdAt: number;
  status: ResponseStatus;
  echo: OpenAIEcho;
  /** `service_tier` as shown: the requested one while in progress, the served one at the end. */
  serviceTier: string;
  output: unknown[];
  usage: unknown;
  error: unknown;
  incompleteDetails: unknown;
  /** Non-stream bodies carry `billing` (openai-reasoning-encrypted-content.1.json). */
  billing?: boolean;
}

export function responseObject(a: ResponseArgs): Record<string, unknown> {
  const e = a.echo;
  return {
    id: a.id,
    object: 'response',
    created_at: a.createdAt,
    status: a.status,
    background: false,
    ...(a.billing ? { billing: { payer: 'developer' } } : {}),
    error: a.error,
    incomplete_details: a.incompleteDetails,
    instructions: e.instructions,
    max_output_tokens: e.maxOutputTokens,
    max_tool_calls: e.maxToolCalls,
    model: a.model,
    output: a.output,
    parallel_tool_calls: e.parallelToolCalls,
    previous_response_id: e.previousResponseId,
    prompt_cache_key: e.promptCacheKey,
    prompt_cache_retention: null,
    reasoning: e.reasoning,
    safety_identifier: e.safetyIdentifier,
    service_tier: a.serviceTier,
    store: e.store,
    temperature: e.temperature,
    text: e.text,
    tool_choice: e.toolChoice,
    tools: e.tools,
    top_logprobs: e.topLogprobs,
    top_p: e.topP,
    truncation: e.truncation,
    usage: a.usage,
    user: e.user,
    metadata: e.metadata,
  };
}

export function usageObject(u: ReplyUsage): Record<string, unknown> {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

export function finalStatus(finish: Finish): ResponseStatus {
  return finish === 'length' ? 'incomplete' : 'completed';
}

export function incompleteDetails(finish: Finish): unknown {
  return finish === 'length' ? { reason: 'max_output_tokens' } : null;
}

/** Ids and opaque values fixed per output item. */
export interface ItemIds {
  itemId: string;
  callId: string;
  encryptedContent: string;
  /** The code interpreter's container (`cntr_…`). */
  containerId: string;
}

export interface ItemOptions {
  includeEncrypted: boolean;
  includeCodeOutputs: boolean;
  summaryRequested: boolean;
}

/** An output item in its final state (`status` is the item's own, e.g. incomplete when cut). */
export function finalItem(block: ReplyBlock, ids: ItemIds, status: 'completed' | 'incomplete', opts: ItemOptions): Record<string, unknown> {
  switch (block.kind) {
    case 'reasoning':
      return reasoningItem(ids, opts, opts.summaryRequested ? [{ type: 'summary_text', text: block.text }] : []);
    case 'search':
      return searchItem(block, ids, 'completed');
    case 'code':
      return codeItem(ids, 'completed', block.code, opts.includeCodeOutputs ? [{ type: 'logs', logs: block.logs }] : null);
    case 'text':
      return messageItem(ids, status, [{ type: 'output_text', annotations: annotations(block), logprobs: [], text: block.text }]);
    case 'refusal':
      return messageItem(ids, status, [{ type: 'refusal', refusal: block.text }]);
    case 'tool_call':
      return { id: ids.itemId, type: 'function_call', status, arguments: block.arguments, call_id: ids.callId, name: block.name };
  }
}

/** An output item as first announced by `response.output_item.added`. */
export function initialItem(block: ReplyBlock, ids: ItemIds, opts: ItemOptions): Record<string, unknown> {
  switch (block.kind) {
    case 'reasoning':
      return reasoningItem(ids, opts, []);
    case 'search':
      return { id: ids.itemId, type: 'web_search_call', status: 'in_progress' };
    case 'code':
      return codeItem(ids, 'in_progress', '', opts.includeCodeOutputs ? [] : null);
    case 'text':
    case 'refusal':
      return messageItem(ids, 'in_progress', []);
    case 'tool_call':
      return { id: ids.itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: ids.callId, name: block.name };
  }
}

/** https://platform.openai.com/docs/guides/tools-web-search (the web_search_call output item) */
function searchItem(block: ReplyBlock & { kind: 'search' }, ids: ItemIds, status: string): Record<string, unknown> {
  return { id: ids.itemId, type: 'web_search_call', status, action: { type: 'search', query: block.query, sources: block.results.map((r) => ({ type: 'url', url: r.url })) } };
}

/**
 * https://platform.openai.com/docs/guides/tools-code-interpreter (ResponseCodeInterpreterToolCall),
 * fields in the order of OpenAI's recorded streams; `outputs` is null unless the request includes
 * `code_interpreter_call.outputs`.
 */
function codeItem(ids: ItemIds, status: string, code: string, outputs: unknown[] | null): Record<string, unknown> {
  return { id: ids.itemId, type: 'code_interpreter_call', status, code, container_id: ids.containerId, outputs };
}

/** `url_citation` annotations, offsets in characters of the text. */
export function annotations(block: ReplyBlock & { kind: 'text' }): Record<string, unknown>[] {
  return (block.citations ?? []).map((c) => ({ type: 'url_citation', end_index: c.end, start_index: c.start, title: c.title, url: c.url }));
}

function reasoningItem(ids: ItemIds, opts: ItemOptions, summary: unknown[]): Record<string, unknown> {
  return opts.includeEncrypted
    ? { id: ids.itemId, type: 'reasoning', encrypted_content: ids.encryptedContent, summary }
    : { id: ids.itemId, type: 'reasoning', summary };
}

function messageItem(ids: ItemIds, status: string, content: unknown[]): Record<string, unknown> {
  return { id: ids.itemId, type: 'message', status, content, role: 'assistant' };
}

export function itemPrefix(block: ReplyBlock): string {
  switch (block.kind) {
    case 'reasoning':
      return 'rs';
    case 'search':
      return 'ws';
    case 'code':
      return 'ci';
    case 'text':
    case 'refusal':
      return 'msg';
    case 'tool_call':
      return 'fc';
  }
}

/** Status of item `index` of `reply`: the last item of a cut answer is incomplete. */
export function itemStatus(reply: Reply, index: number): 'completed' | 'incomplete' {
  return reply.finish === 'length' && index === reply.blocks.length - 1 ? 'incomplete' : 'completed';
}

// Web search and file input, provider by provider: what each converter sends for the canonical
// tool and file parts, what it reports it could not carry, and how each provider's search results
// and citations come back as canonical web_search_call items and url_citation annotations.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, CanonicalStreamEvent, FileContent, WebSearchTool } from '../canonical/types.js';
import { convertAnthropicRequest as toAnthropic } from './anthropic/convert-request.js';
import { createAnthropicStreamParser } from './anthropic/parse-stream.js';
import type { AnthropicStreamEvent } from './anthropic/wire.js';
import { convertGeminiRequest as toGemini } from './gemini/convert-request.js';
import { createGeminiStreamParser } from './gemini/parse-stream.js';
import { convertOpenAIRequest as toOpenAI } from './openai/convert-request.js';
import { createOpenAIStreamParser } from './openai/parse-stream.js';

const request = (model: string, extra: Partial<CanonicalRequest>): CanonicalRequest => ({
  model,
  input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Find it' }] }],
  maxOutputTokens: 500,
  ...extra,
});

const fromResponses: WebSearchTool = {
  field: 'tools[0]',
  allowedDomains: ['example.com'],
  userLocation: { city: 'Lisbon', country: 'PT' },
  contextSize: 'high',
  raw: { provider: 'openai', tool: { type: 'web_search', filters: { allowed_domains: ['example.com'] }, user_location: { type: 'approximate', city: 'Lisbon', country: 'PT' }, search_context_size: 'high', return_images: true } },
};

const codes = (warnings: { code: string; field: string }[]): string[] => warnings.map((w) => `${w.code}:${w.field}`);

describe('web search tool conversion', () => {
  it('OpenAI gets the caller\'s own tool verbatim, after the function tools', () => {
    const { body, warnings } = toOpenAI({ request: request('gpt-5-mini', { webSearch: fromResponses, tools: [{ type: 'function', name: 'f', parameters: {} }] }), tier: 'standard' });
    expect(body.tools?.map((t) => t.type)).toEqual(['function', 'web_search']);
    expect(body.tools?.[1]).toBe(fromResponses.raw?.tool);
    expect(warnings).toEqual([]);
  });

  it('OpenAI gets web_search built from an Anthropic tool; max_uses and blocked domains are reported', () => {
    const tool: WebSearchTool = { field: 'tools.0', maxUses: 2, blockedDomains: ['spam.example'], userLocation: { city: 'Oslo' }, raw: { provider: 'anthropic', tool: { type: 'web_search_20250305', name: 'web_search', max_uses: 2, blocked_domains: ['spam.example'], user_location: { type: 'approximate', city: 'Oslo' } } } };
    const { body, warnings } = toOpenAI({ request: request('gpt-5-mini', { webSearch: tool }), tier: 'standard' });
    expect(body.tools).toEqual([{ type: 'web_search', user_location: { type: 'approximate', city: 'Oslo' } }]);
    expect(codes(warnings)).toEqual(['web_search_changed:tools.0.filters.blocked_domains', 'web_search_changed:tools.0.max_uses']);
  });

  it('Anthropic gets web_search_20250305 with the domains and location; what has no counterpart is reported', () => {
    const { body, warnings } = toAnthropic({ request: request('claude-haiku-4-5', { webSearch: fromResponses }), tier: 'standard' });
    expect(body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', allowed_domains: ['example.com'], user_location: { type: 'approximate', city: 'Lisbon', country: 'PT' } }]);
    expect(codes(warnings)).toEqual(['web_search_changed:tools[0].search_context_size', 'web_search_changed:tools[0].return_images']);
  });

  it('Anthropic refuses allowed and blocked domains together: the allow list is kept', () => {
    const tool: WebSearchTool = { field: 'tools[0]', allowedDomains: ['a.example'], blockedDomains: ['b.example'] };
    const { body, warnings } = toAnthropic({ request: request('claude-haiku-4-5', { webSearch: tool }), tier: 'standard' });
    expect(body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', allowed_domains: ['a.example'] }]);
    expect(codes(warnings)).toEqual(['web_search_changed:tools[0].filters.blocked_domains']);
  });

  it('Gemini gets google_search; every setting it has no field for is reported', () => {
    const { body, warnings } = toGemini({ request: request('gemini-2.5-flash', { webSearch: fromResponses }), tier: 'standard' });
    expect(body.tools).toEqual([{ type: 'google_search' }]);
    expect(body.generation_config?.tool_choice).toBeUndefined();
    expect(codes(warnings)).toEqual([
      'web_search_changed:tools[0].filters.allowed_domains',
      'web_search_changed:tools[0].user_location',
      'web_search_changed:tools[0].search_context_size',
      'web_search_changed:tools[0].return_images',
    ]);
  });
});

describe('file input conversion', () => {
  const pdf: FileContent = { type: 'file', source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, filename: 'a.pdf' };
  const withFile = (model: string, file: FileContent): CanonicalRequest =>
    request(model, { input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Read' }, file] }] });

  it('maps a base64 PDF to each provider\'s document form', () => {
    expect(toOpenAI({ request: withFile('gpt-5-mini', pdf), tier: 'standard' }).body.input[0]).toMatchObject({ content: [{}, { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' }] });
    expect(toAnthropic({ request: withFile('claude-haiku-4-5', pdf), tier: 'standard' }).body.messages[0]?.content[1]).toEqual({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' });
    expect(toGemini({ request: withFile('gemini-2.5-flash', pdf), tier: 'standard' }).body.input[0]).toEqual({ type: 'user_input', content: [{ type: 'text', text: 'Read' }, { type: 'document', data: 'JVBERi0=', mime_type: 'application/pdf' }] });
  });

  it('OpenAI needs a file name beside inline data: one is given when the caller had none', () => {
    const { filename: _none, ...unnamed } = pdf;
    expect(toOpenAI({ request: withFile('gpt-5-mini', unnamed), tier: 'standard' }).body.input[0]).toMatchObject({ content: [{}, { filename: 'document.pdf' }] });
  });

  it('Anthropic reads plain text as a text document and refuses other media types by name', () => {
    const text: FileContent = { type: 'file', source: { type: 'base64', mediaType: 'text/plain', data: Buffer.from('hello').toString('base64') } };
    expect(toAnthropic({ request: withFile('claude-haiku-4-5', text), tier: 'standard' }).body.messages[0]?.content[1]).toEqual({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' } });
    const csv: FileContent = { type: 'file', source: { type: 'base64', mediaType: 'text/csv', data: 'YQ==' } };
    expect(() => toAnthropic({ request: withFile('claude-haiku-4-5', csv), tier: 'standard' })).toThrow(/text\/csv/);
  });

  it('file detail goes to OpenAI; Anthropic and Gemini have none, so it is reported, not silently dropped', () => {
    const low: FileContent = { ...pdf, detail: 'low' };
    const openai = toOpenAI({ request: withFile('gpt-5-mini', low), tier: 'standard' });
    expect(openai.body.input[0]).toMatchObject({ content: [{}, { type: 'input_file', filename: 'a.pdf', detail: 'low' }] });
    expect(openai.warnings).toEqual([]);
    const url: FileContent = { type: 'file', source: { type: 'url', url: 'https://example.com/a.pdf' }, detail: 'high' };
    expect(toOpenAI({ request: withFile('gpt-5-mini', url), tier: 'standard' }).body.input[0]).toMatchObject({ content: [{}, { type: 'input_file', file_url: 'https://example.com/a.pdf', detail: 'high' }] });
    for (const converted of [toAnthropic({ request: withFile('claude-haiku-4-5', low), tier: 'standard' }), toGemini({ request: withFile('gemini-2.5-flash', low), tier: 'standard' })]) {
      expect(codes(converted.warnings)).toEqual(['translated:input[0]']);
      expect(converted.warnings[0]?.message).toContain('File detail "low"');
      expect(JSON.stringify(converted.body)).not.toContain('"detail"');
    }
    // "auto" asks for nothing the others do not do anyway.
    expect(toAnthropic({ request: withFile('claude-haiku-4-5', { ...pdf, detail: 'auto' }), tier: 'standard' }).warnings).toEqual([]);
  });

  it('a file id is usable only with the provider that holds the file', () => {
    const openaiFile: FileContent = { type: 'file', source: { type: 'file_id', provider: 'openai', id: 'file-1' } };
    expect(toOpenAI({ request: withFile('gpt-5-mini', openaiFile), tier: 'standard' }).body.input[0]).toMatchObject({ content: [{}, { type: 'input_file', file_id: 'file-1' }] });
    expect(() => toAnthropic({ request: withFile('claude-haiku-4-5', openaiFile), tier: 'standard' })).toThrow(expect.objectContaining({ code: 'unsupported_parameter', param: 'input[0]' }) as Error);
    expect(() => toGemini({ request: withFile('gemini-2.5-flash', openaiFile), tier: 'standard' })).toThrow(expect.objectContaining({ code: 'unsupported_parameter', param: 'input[0]' }) as Error);
    const anthropicFile: FileContent = { type: 'file', source: { type: 'file_id', provider: 'anthropic', id: 'file_011' } };
    expect(() => toOpenAI({ request: withFile('gpt-5-mini', anthropicFile), tier: 'standard' })).toThrow(/anthropic/);
  });
});

describe('search results back from each provider', () => {
  it('Anthropic: server_tool_use + web_search_tool_result is one web_search_call; a cited block is a url_citation over that block', () => {
    const transform = createAnthropicStreamParser({ now: () => 0 });
    const events: CanonicalStreamEvent[] = [];
    const push = (e: unknown): void => {
      const step = transform.push(e as AnthropicStreamEvent);
      if (step.type === 'error') throw step.error;
      events.push(...step.events);
    };
    push({ type: 'message_start', message: { id: 'msg_1', model: 'claude-haiku-4-5', usage: { input_tokens: 5 } } });
    push({ type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } });
    push({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"tides"}' } });
    push({ type: 'content_block_stop', index: 0 });
    push({ type: 'content_block_start', index: 1, content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://a.example/', title: 'A', encrypted_content: 'x' }] } });
    push({ type: 'content_block_stop', index: 1 });
    push({ type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } });
    push({ type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Tide: ' } });
    push({ type: 'content_block_stop', index: 2 });
    push({ type: 'content_block_start', index: 3, content_block: { type: 'text', text: '' } });
    push({ type: 'content_block_delta', index: 3, delta: { type: 'citations_delta', citation: { type: 'web_search_result_location', url: 'https://a.example/', title: 'A', cited_text: 'noon', encrypted_index: 'y' } } });
    push({ type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'high at noon.' } });
    push({ type: 'content_block_stop', index: 3 });
    push({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } });
    push({ type: 'message_stop' });

    expect(events.find((e) => e.type === 'item.added')).toEqual({ type: 'item.added', outputIndex: 0, item: { type: 'web_search_call', id: 'ws_srvtoolu_1', status: 'in_progress', provider: 'anthropic', queries: [], sources: [] } });
    const annotation = { type: 'url_citation', url: 'https://a.example/', title: 'A', startIndex: 0, endIndex: 13 };
    expect(events).toContainEqual({ type: 'annotation.added', outputIndex: 1, contentIndex: 1, annotationIndex: 0, annotation });
    const last = events.at(-1);
    expect(last?.type === 'response.completed' && last.response.output).toEqual([
      { type: 'web_search_call', id: 'ws_srvtoolu_1', status: 'completed', provider: 'anthropic', queries: ['tides'], sources: [{ url: 'https://a.example/', title: 'A' }] },
      { type: 'message', id: 'msg_1_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Tide: ' }, { type: 'output_text', text: 'high at noon.', annotations: [annotation] }] },
    ]);
  });

  it('Gemini: a google_search_call step is a web_search_call with the cited pages; citations in UTF-8 bytes become string indexes', () => {
    const parser = createGeminiStreamParser({ model: 'gemini-2.5-flash', tier: 'standard', now: () => 0, randomId: () => 'r' });
    const text = 'Café: open — 9am.';
    const cited = '9am.';
    const startByte = Buffer.byteLength(text.slice(0, text.indexOf(cited)), 'utf8');
    const events = [
      { event_type: 'interaction.created', interaction: { id: 'i1', model: 'gemini-2.5-flash' } },
      { event_type: 'step.start', index: 0, step: { type: 'google_search_call', id: 'g1', arguments: { queries: ['cafe hours'] } } },
      { event_type: 'step.stop', index: 0 },
      { event_type: 'step.start', index: 1, step: { type: 'google_search_result', call_id: 'g1', result: [{ search_suggestions: '<div/>' }] } },
      { event_type: 'step.stop', index: 1 },
      { event_type: 'step.start', index: 2, step: { type: 'model_output' } },
      { event_type: 'step.delta', index: 2, delta: { type: 'text', text } },
      { event_type: 'step.delta', index: 2, delta: { type: 'text_annotation_delta', annotations: [{ type: 'url_citation', url: 'https://c.example/', title: 'C', start_index: startByte, end_index: Buffer.byteLength(text, 'utf8') }] } },
      { event_type: 'step.stop', index: 2 },
      { event_type: 'interaction.completed', interaction: { id: 'i1', status: 'completed', usage: {} } },
    ].flatMap((e) => parser.push(e));
    const annotation = events.find((e) => e.type === 'annotation.added');
    expect(annotation).toMatchObject({ outputIndex: 1, contentIndex: 0, annotation: { url: 'https://c.example/', startIndex: text.indexOf(cited), endIndex: text.length } });
    const last = events.at(-1);
    const search = { type: 'web_search_call', id: 'ws_gemini_g1', status: 'completed', provider: 'gemini', queries: ['cafe hours'], sources: [{ url: 'https://c.example/', title: 'C' }] };
    expect(last?.type === 'response.completed' && last.response.output[0]).toEqual(search);
    // The search is done once the answer that cites its pages is: item.done and the final item agree.
    const types = events.map((e) => (e.type === 'item.done' ? `item.done:${e.item.type}` : e.type));
    expect(types.slice(-2)).toEqual(['item.done:web_search_call', 'response.completed']);
    expect(events.at(-2)).toEqual({ type: 'item.done', outputIndex: 0, item: search });
  });

  it('OpenAI: web_search_call items and annotation.added events are carried', () => {
    const parser = createOpenAIStreamParser();
    const search = { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'tides', sources: [{ type: 'url', url: 'https://a.example/' }] } };
    const events = [
      { type: 'response.created', response: { id: 'resp_1', model: 'gpt-5-mini' } },
      { type: 'response.output_item.added', output_index: 0, item: { ...search, status: 'in_progress', action: { type: 'search' } } },
      { type: 'response.web_search_call.completed', output_index: 0, item_id: 'ws_1' },
      { type: 'response.output_item.done', output_index: 0, item: search },
      { type: 'response.output_item.added', output_index: 1, item: { id: 'msg_1', type: 'message', status: 'in_progress', content: [], role: 'assistant' } },
      { type: 'response.output_text.annotation.added', output_index: 1, content_index: 0, annotation_index: 0, annotation: { type: 'url_citation', start_index: 0, end_index: 4, url: 'https://a.example/', title: 'A' } },
    ].flatMap((e) => parser.push(e));
    expect(events).toContainEqual({ type: 'item.added', outputIndex: 0, item: { type: 'web_search_call', id: 'ws_1', status: 'in_progress', provider: 'openai', queries: [], sources: [], raw: expect.any(Object) as unknown } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'item.done', item: expect.objectContaining({ queries: ['tides'], sources: [{ url: 'https://a.example/' }] }) as unknown }));
    expect(events).toContainEqual({ type: 'annotation.added', outputIndex: 1, contentIndex: 0, annotationIndex: 0, annotation: { type: 'url_citation', url: 'https://a.example/', title: 'A', startIndex: 0, endIndex: 4 } });
  });
});

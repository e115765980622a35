// Responses web search and file input: decoding the tool, `input_file` parts and replayed
// web_search_call items, and streaming a search with OpenAI's event sequence.
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent, OutputItem } from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { responsesSurface } from './index.js';

const decode = (extra: Record<string, unknown>) => responsesSurface.decode({ model: 'claude-haiku-4-5', start_within: 'default', input: 'Hi', ...extra });

describe('responses decode: web search and files', () => {
  it('a web_search tool is the canonical search tool, kept verbatim for OpenAI, and nothing for native refusal', () => {
    const tool = { type: 'web_search', filters: { allowed_domains: ['a.example'] }, user_location: { type: 'approximate', country: 'PT' }, search_context_size: 'low' };
    const { request } = decode({ tools: [{ type: 'function', name: 'f', parameters: {} }, tool] });
    expect(request.tools?.map((t) => t.name)).toEqual(['f']);
    expect(request.webSearch).toEqual({ field: 'tools[1]', allowedDomains: ['a.example'], userLocation: { country: 'PT' }, contextSize: 'low', raw: { provider: 'openai', tool } });
    expect(request.native?.refusable).toEqual([]);
  });

  it('refuses a second web search tool and a malformed one', () => {
    const err = (extra: Record<string, unknown>): FlexError => {
      try {
        decode(extra);
      } catch (e) {
        return e as FlexError;
      }
      throw new Error('expected a refusal');
    };
    expect(err({ tools: [{ type: 'web_search' }, { type: 'web_search_preview' }] })).toMatchObject({ code: 'unsupported_parameter', param: 'tools[1].type' });
    expect(err({ tools: [{ type: 'web_search', search_context_size: 'huge' }] })).toMatchObject({ code: 'invalid_parameter', param: 'tools[0].search_context_size' });
    expect(err({ tools: [{ type: 'web_search', user_location: { type: 'exact' } }] })).toMatchObject({ code: 'invalid_parameter', param: 'tools[0].user_location.type' });
  });

  it('decodes input_file parts: a data URL, a URL, an OpenAI file id', () => {
    const content = [
      { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
      { type: 'input_file', file_url: 'https://example.com/a.pdf' },
      { type: 'input_file', file_id: 'file-1' },
    ];
    const { request } = decode({ input: [{ role: 'user', content }] });
    expect(request.input[0]).toEqual({
      type: 'message',
      role: 'user',
      content: [
        { type: 'file', source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'a.pdf' },
        { type: 'file', source: { type: 'url', url: 'https://example.com/a.pdf' } },
        { type: 'file', source: { type: 'file_id', provider: 'openai', id: 'file-1' } },
      ],
    });
  });

  it('decodes a replayed web_search_call, keeping the item for OpenAI', () => {
    const item = { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'tides', sources: [{ type: 'url', url: 'https://a.example/' }] } };
    const { request } = decode({ input: [item] });
    expect(request.input[0]).toEqual({ type: 'web_search_call', id: 'ws_1', status: 'completed', provider: 'openai', queries: ['tides'], sources: [{ url: 'https://a.example/' }], raw: item });
  });

  it('a replayed search another provider ran is marked as theirs, so it is never sent to OpenAI as its own', () => {
    const { request } = decode({ input: [{ type: 'web_search_call', id: 'ws_srvtoolu_01', status: 'completed' }, { type: 'web_search_call', id: 'ws_gemini_abc' }] });
    expect(request.input.map((i) => (i.type === 'web_search_call' ? [i.provider, i.raw] : []))).toEqual([['anthropic', undefined], ['gemini', undefined]]);
  });
});

describe('responses stream: a web search', () => {
  it('sends in_progress after the item is added, searching and completed before it is done, and annotations before the part is done', () => {
    const encoder = decode({ stream: true }).createStreamEncoder({ servedTier: 'standard', requestId: 'r' });
    const search: OutputItem = { type: 'web_search_call', id: 'ws_1', status: 'completed', provider: 'anthropic', queries: ['tides'], sources: [{ url: 'https://a.example/' }] };
    const annotation = { type: 'url_citation' as const, url: 'https://a.example/', title: 'A', startIndex: 0, endIndex: 4 };
    const events: CanonicalStreamEvent[] = [
      { type: 'response.created', id: 'resp_1', model: 'm', createdAt: 1 },
      { type: 'item.added', outputIndex: 0, item: { ...search, status: 'in_progress', queries: [], sources: [] } },
      { type: 'item.done', outputIndex: 0, item: search },
      { type: 'item.added', outputIndex: 1, item: { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] } },
      { type: 'content_part.added', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: '' } },
      { type: 'text.delta', outputIndex: 1, contentIndex: 0, delta: 'Noon' },
      { type: 'annotation.added', outputIndex: 1, contentIndex: 0, annotationIndex: 0, annotation },
      { type: 'content_part.done', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: 'Noon', annotations: [annotation] } },
    ];
    const frames = events
      .map((e) => encoder.event(e))
      .join('')
      .split('\n\n')
      .filter((f) => f.startsWith('event: '))
      .map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as Record<string, unknown>);
    expect(frames.map((f) => f.type)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.annotation.added',
      'response.output_text.done', 'response.content_part.done',
    ]);
    expect(frames[6]?.item).toEqual({ id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'tides', sources: [{ type: 'url', url: 'https://a.example/' }] } });
    const wireAnnotation = { type: 'url_citation', end_index: 4, start_index: 0, title: 'A', url: 'https://a.example/' };
    expect(frames[10]).toMatchObject({ item_id: 'msg_1', output_index: 1, content_index: 0, annotation_index: 0, annotation: wireAnnotation });
    expect(frames[12]?.part).toMatchObject({ annotations: [wireAnnotation] });
  });
});

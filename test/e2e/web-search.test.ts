// Web search across providers (docs/product.md §6): a Responses `web_search` tool runs as OpenAI's
// own tool, Anthropic's web search server tool or Gemini's google_search, and the search and its
// citations come back in the caller's dialect — a `web_search_call` item and `url_citation`
// annotations, streamed with their events. Official SDKs, real gateway, real emulator (which
// answers a search with fixed example.com results and cites the first).
import { describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { post, useOpenAIHarness } from './harness.js';

const gw = useOpenAIHarness();

const lastUpstream = (): Record<string, unknown> => gw.h.emulator.requests.at(-1)!.body as Record<string, unknown>;

const MODELS = [
  { model: 'gpt-5-mini', provider: 'openai', tool: { type: 'web_search' } },
  { model: 'claude-haiku-4-5', provider: 'anthropic', tool: { type: 'web_search_20250305', name: 'web_search' } },
  { model: 'gemini-2.5-flash', provider: 'gemini', tool: { type: 'google_search' } },
] as const;

interface Citation {
  type: string;
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}

interface WireItem {
  type: string;
  id: string;
  status?: string;
  action?: { type: string; query?: string; sources?: { url: string }[] };
  content?: { type: string; text: string; annotations: Citation[] }[];
}

const QUESTION = 'Which harbor towns are worth visiting?';

function body(model: string): Record<string, unknown> {
  return { model, input: QUESTION, tools: [{ type: 'web_search' }], max_output_tokens: 400, start_within: 'default' };
}

/** The search item, and the cited spans of the answer text with their sources. */
function checkAnswer(output: WireItem[]): { search: WireItem; cited: { text: string; url: string }[] } {
  const search = output.find((i) => i.type === 'web_search_call');
  expect(search).toBeDefined();
  expect(search!.status).toBe('completed');
  expect(search!.action?.type).toBe('search');
  expect(search!.action?.query).toContain('harbor towns');
  const parts = output.filter((i) => i.type === 'message').flatMap((m) => m.content ?? []);
  const cited = parts.flatMap((p) =>
    p.annotations.map((a) => {
      expect(a.type).toBe('url_citation');
      expect(a.start_index).toBeLessThan(a.end_index);
      expect(a.end_index).toBeLessThanOrEqual(p.text.length);
      return { text: p.text.slice(a.start_index, a.end_index), url: a.url, title: a.title };
    }),
  );
  expect(cited.length).toBeGreaterThan(0);
  for (const c of cited) {
    expect(c.url).toMatch(/^https:\/\/example\.com\/which\/\d$/);
    expect(c.text.trim().length).toBeGreaterThan(0);
  }
  return { search: search!, cited };
}

describe('Responses web_search on every provider', () => {
  it.each(MODELS)('$model: the provider gets its own search tool; the answer has web_search_call and url_citation', async ({ model, tool }) => {
    const res = (await gw.client.responses.create(body(model) as never)) as unknown as { output: WireItem[]; tools: unknown[] };
    expect(lastUpstream().tools).toEqual([expect.objectContaining(tool)]);
    const { search, cited } = checkAnswer(res.output);
    expect(search.id).toMatch(/^ws_/);
    // The cited span is the emulator's sentence after "From the web: ", whichever provider cut it.
    const text = res.output.filter((i) => i.type === 'message').flatMap((m) => m.content ?? []).map((p) => p.text).join('');
    expect(text).toContain(`From the web: ${cited[0]!.text}`);
    expect(res.tools).toEqual([{ type: 'web_search' }]);
  });

  it.each(MODELS)('$model streamed: web_search_call events, annotation.added, and the same final answer', async ({ model }) => {
    const stream = (await gw.client.responses.create({ ...body(model), stream: true } as never)) as unknown as AsyncIterable<{ type: string; [k: string]: unknown }>;
    const events: { type: string; [k: string]: unknown }[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    const searchAdded = events.find((e) => e.type === 'response.output_item.added' && (e.item as WireItem).type === 'web_search_call');
    expect(searchAdded).toBeDefined();
    const searchId = (searchAdded!.item as WireItem).id;
    const searchEvents = events.filter((e) => e.type.startsWith('response.web_search_call.'));
    expect(searchEvents.map((e) => e.type)).toEqual([
      'response.web_search_call.in_progress',
      'response.web_search_call.searching',
      'response.web_search_call.completed',
    ]);
    for (const e of searchEvents) expect(e.item_id).toBe(searchId);
    const annotated = events.filter((e) => e.type === 'response.output_text.annotation.added');
    expect(annotated.length).toBeGreaterThan(0);
    expect(annotated[0]!.annotation).toMatchObject({ type: 'url_citation', url: expect.stringMatching(/^https:\/\/example\.com\//) });
    // Each annotation is announced before its part is done, and the done part lists it.
    const first = annotated[0]!;
    const partDone = events.findIndex((e) => e.type === 'response.content_part.done' && e.output_index === first.output_index && e.content_index === first.content_index);
    expect(types.indexOf('response.output_text.annotation.added')).toBeLessThan(partDone);
    expect((events[partDone]!.part as { annotations: unknown[] }).annotations).toContainEqual(first.annotation);
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    checkAnswer((completed.response as { output: WireItem[] }).output);
  });

  it('gemini-2.5-flash: the web_search_call lists the pages the answer cites as action.sources (non-streamed and streamed)', async () => {
    const res = (await gw.client.responses.create(body('gemini-2.5-flash') as never)) as unknown as { output: WireItem[] };
    const { search, cited } = checkAnswer(res.output);
    expect(search.action?.sources).toEqual([...new Set(cited.map((c) => c.url))].map((url) => ({ type: 'url', url })));

    const stream = (await gw.client.responses.create({ ...body('gemini-2.5-flash'), stream: true } as never)) as unknown as AsyncIterable<{ type: string; item?: WireItem; response?: { output: WireItem[] } }>;
    const events: { type: string; item?: WireItem; response?: { output: WireItem[] } }[] = [];
    for await (const event of stream) events.push(event);
    const done = events.find((e) => e.type === 'response.output_item.done' && e.item?.type === 'web_search_call');
    const final = events.at(-1)!.response!.output.find((i) => i.type === 'web_search_call');
    expect(done?.item?.action?.sources?.[0]?.url).toMatch(/^https:\/\/example\.com\/which\/1$/);
    expect(done?.item).toEqual(final);
  });

  it('web_search_preview is the same tool', async () => {
    const res = (await gw.client.responses.create({ ...body('claude-haiku-4-5'), tools: [{ type: 'web_search_preview' }] } as never)) as unknown as { output: WireItem[] };
    expect(lastUpstream().tools).toEqual([{ type: 'web_search_20250305', name: 'web_search' }]);
    checkAnswer(res.output);
  });

  it('maps filters and location to Anthropic and reports what it cannot carry', async () => {
    const tool = {
      type: 'web_search',
      filters: { allowed_domains: ['example.com'] },
      user_location: { type: 'approximate', city: 'Lisbon', country: 'PT' },
      search_context_size: 'high',
    };
    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify({ ...body('claude-haiku-4-5'), tools: [tool] }), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(200);
    expect(lastUpstream().tools).toEqual([
      { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['example.com'], user_location: { type: 'approximate', city: 'Lisbon', country: 'PT' } },
    ]);
    expect(res.headers.get('x-flexinference-warnings')).toBe('web_search_changed:tools[0].search_context_size');
  });

  it('Gemini google_search has no filters: they are reported, not silently dropped', async () => {
    const tool = { type: 'web_search', filters: { allowed_domains: ['example.com'] } };
    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify({ ...body('gemini-2.5-flash'), tools: [tool] }), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(200);
    expect(lastUpstream().tools).toEqual([{ type: 'google_search' }]);
    expect(res.headers.get('x-flexinference-warnings')).toBe('web_search_changed:tools[0].filters.allowed_domains');
  });

  it('an OpenAI model gets the tool exactly as sent', async () => {
    const tool = { type: 'web_search', filters: { allowed_domains: ['example.com'] }, search_context_size: 'low' };
    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify({ ...body('gpt-5-mini'), tools: [tool] }), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(200);
    expect(lastUpstream().tools).toEqual([tool]);
    expect(res.headers.get('x-flexinference-warnings')).toBeNull();
  });

  it('a replayed web_search_call goes back to OpenAI and is dropped (with a warning) elsewhere', async () => {
    const first = (await gw.client.responses.create(body('gpt-5-mini') as never)) as unknown as { output: WireItem[] };
    const input = [{ role: 'user', content: QUESTION }, ...first.output, { role: 'user', content: 'And the second one?' }];
    await gw.client.responses.create({ model: 'gpt-5-mini', input, start_within: 'default' } as never);
    const replayed = (lastUpstream().input as WireItem[]).find((i) => i.type === 'web_search_call');
    expect(replayed?.id).toBe(first.output.find((i) => i.type === 'web_search_call')?.id);

    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify({ model: 'claude-haiku-4-5', input, max_output_tokens: 200, start_within: 'default' }), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(200);
    const at = input.findIndex((i) => (i as WireItem).type === 'web_search_call');
    expect(res.headers.get('x-flexinference-warnings')?.split(';')).toContain(`translated:input[${at}]`);
  });
});

describe('Chat web_search_options', () => {
  it.each(MODELS)('$model: searches, and the message carries url_citation annotations over its content', async ({ model, tool }) => {
    const res = await gw.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: QUESTION }],
      web_search_options: { search_context_size: 'medium' },
      max_completion_tokens: 400,
      start_within: 'default',
    } as never);
    expect(lastUpstream().tools).toEqual([expect.objectContaining({ type: tool.type })]);
    const message = (res as OpenAI.Chat.ChatCompletion).choices[0]!.message;
    expect(message.annotations?.length).toBeGreaterThan(0);
    for (const a of message.annotations ?? []) {
      expect(a.type).toBe('url_citation');
      const span = (message.content ?? '').slice(a.url_citation.start_index, a.url_citation.end_index);
      expect(message.content).toContain(`From the web: ${span}`);
      expect(a.url_citation.url).toMatch(/^https:\/\/example\.com\//);
    }
  });
});

describe('Messages surface', () => {
  it('an OpenAI or Gemini search comes back as server_tool_use, web_search_tool_result and cited text', async () => {
    const anthropic = new Anthropic({ apiKey: gw.h.key, baseURL: gw.h.url, maxRetries: 0 });
    for (const model of ['gpt-5-mini', 'gemini-2.5-flash']) {
      const msg = await anthropic.messages.create({
        model,
        max_tokens: 400,
        messages: [{ role: 'user', content: QUESTION }],
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
        start_within: 'default',
      } as never);
      const content = (msg as Anthropic.Message).content;
      const use = content.find((b) => b.type === 'server_tool_use');
      const result = content.find((b) => b.type === 'web_search_tool_result');
      expect(use).toMatchObject({ name: 'web_search', input: { query: expect.stringContaining('harbor towns') } });
      expect(result).toMatchObject({ tool_use_id: use!.id });
      const cited = content.flatMap((b) => (b.type === 'text' ? (b.citations ?? []) : []));
      expect(cited.length).toBeGreaterThan(0);
      expect(cited[0]).toMatchObject({ type: 'web_search_result_location', url: expect.stringMatching(/^https:\/\/example\.com\//) });
      // Both providers' searches list their pages (Gemini's are the ones its answer cites): the
      // result block carries the cited page.
      const pages = (result as { content: { type: string; url: string }[] }).content;
      expect(pages.map((p) => p.type)).toContain('web_search_result');
      expect(pages.map((p) => p.url)).toContain((cited[0] as { url: string }).url);
    }
  });

  it('a streamed Gemini search is finished after the text that cites its pages, and lists them', async () => {
    const anthropic = new Anthropic({ apiKey: gw.h.key, baseURL: gw.h.url, maxRetries: 0 });
    const msg = await anthropic.messages
      .stream({ model: 'gemini-2.5-flash', max_tokens: 400, messages: [{ role: 'user', content: QUESTION }], tools: [{ type: 'web_search_20250305', name: 'web_search' }], start_within: 'default' } as never)
      .finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'server_tool_use', 'web_search_tool_result']);
    const cited = msg.content.flatMap((b) => (b.type === 'text' ? (b.citations ?? []) : []));
    const result = msg.content.find((b) => b.type === 'web_search_tool_result') as unknown as { content: { url: string }[] };
    expect(result.content.map((p) => p.url)).toEqual([(cited[0] as { url: string }).url]);
  });

  it('an Anthropic search streams as Anthropic does, and its content replays on the next turn', async () => {
    const anthropic = new Anthropic({ apiKey: gw.h.key, baseURL: gw.h.url, maxRetries: 0 });
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 400,
      messages: [{ role: 'user' as const, content: QUESTION }],
      tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 2 }],
    };
    const stream = anthropic.messages.stream({ ...params, start_within: 'default' } as never);
    const msg = await stream.finalMessage();
    expect(lastUpstream().tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }]);
    expect(msg.content.map((b) => b.type)).toEqual(expect.arrayContaining(['server_tool_use', 'web_search_tool_result', 'text']));
    const cited = msg.content.flatMap((b) => (b.type === 'text' ? (b.citations ?? []) : []));
    expect(cited[0]).toMatchObject({ type: 'web_search_result_location', url: expect.stringMatching(/^https:\/\/example\.com\//) });

    const res = await post(
      `${gw.h.url}/v1/messages`,
      JSON.stringify({ ...params, messages: [...params.messages, { role: 'assistant', content: msg.content }, { role: 'user', content: 'Tell me more.' }], start_within: 'default' }),
      { 'x-api-key': gw.h.key },
    );
    expect(res.status).toBe(200);
    // The replayed text reaches Anthropic without the citations; the warnings say what was dropped.
    const assistant = (lastUpstream().messages as { role: string; content: { type: string }[] }[])[1]!;
    expect(assistant.role).toBe('assistant');
    expect(assistant.content.every((b) => b.type === 'text')).toBe(true);
    expect(res.headers.get('x-flexinference-warnings')).toContain('translated:');
  });
});

describe('Interactions surface', () => {
  it('google_search runs on Anthropic as its web search tool; the answer has search steps and byte-offset citations', async () => {
    const res = await post(
      `${gw.h.url}/v1/interactions`,
      JSON.stringify({ model: 'claude-haiku-4-5', input: QUESTION, tools: [{ type: 'google_search' }], generation_config: { max_output_tokens: 400 }, start_within: 'default' }),
      { 'x-goog-api-key': gw.h.key },
    );
    expect(res.status).toBe(200);
    expect(lastUpstream().tools).toEqual([{ type: 'web_search_20250305', name: 'web_search' }]);
    const steps = (res.json as { steps: { type: string; arguments?: { queries: string[] }; content?: { text: string; annotations?: Citation[] }[] }[] }).steps;
    const call = steps.find((s) => s.type === 'google_search_call');
    expect(call?.arguments?.queries[0]).toContain('harbor towns');
    expect(steps.map((s) => s.type)).toContain('google_search_result');
    const texts = steps.filter((s) => s.type === 'model_output').flatMap((s) => s.content ?? []);
    const cited = texts.flatMap((t) => (t.annotations ?? []).map((a) => Buffer.from(t.text, 'utf8').subarray(a.start_index, a.end_index).toString('utf8')));
    expect(cited.length).toBeGreaterThan(0);
    expect(texts.map((t) => t.text).join('')).toContain(`From the web: ${cited[0]!}`);
  });
});

// Anthropic pauses a turn whose server-side search loop reached its limit (`pause_turn`); the
// caller continues it by sending the turn back. Each surface says the answer is still to come in
// its own terms (docs/product.md §6). The emulator pauses on `[emulate:pause_turn]`.
describe('a paused Anthropic search turn', () => {
  const PAUSED = `${QUESTION} [emulate:pause_turn]`;

  it('Messages: stop_reason pause_turn, with the search blocks so far (non-streamed and streamed)', async () => {
    const anthropic = new Anthropic({ apiKey: gw.h.key, baseURL: gw.h.url, maxRetries: 0 });
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 400,
      messages: [{ role: 'user' as const, content: PAUSED }],
      tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const }],
      start_within: 'default',
    };
    const msg = (await anthropic.messages.create(params as never)) as Anthropic.Message;
    expect(msg.stop_reason).toBe('pause_turn');
    expect(msg.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
    const streamed = await anthropic.messages.stream(params as never).finalMessage();
    expect(streamed.stop_reason).toBe('pause_turn');
    expect(streamed.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
  });

  it('Responses: status incomplete, incomplete_details.reason pause_turn (non-streamed and streamed)', async () => {
    const res = (await gw.client.responses.create({ ...body('claude-haiku-4-5'), input: PAUSED } as never)) as unknown as {
      status: string;
      incomplete_details: { reason: string } | null;
      output: WireItem[];
    };
    expect(res.status).toBe('incomplete');
    expect(res.incomplete_details).toEqual({ reason: 'pause_turn' });
    expect(res.output.map((i) => i.type)).toEqual(['web_search_call']);

    const stream = (await gw.client.responses.create({ ...body('claude-haiku-4-5'), input: PAUSED, stream: true } as never)) as unknown as AsyncIterable<{ type: string; response?: { status: string; incomplete_details: unknown } }>;
    const events: { type: string; response?: { status: string; incomplete_details: unknown } }[] = [];
    for await (const event of stream) events.push(event);
    const last = events.at(-1)!;
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'pause_turn' } });
  });

  it('Chat: finish_reason length, not a stop that would pass the partial turn off as the answer', async () => {
    const res = (await gw.client.chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: PAUSED }],
      web_search_options: {},
      max_completion_tokens: 400,
      start_within: 'default',
    } as never)) as OpenAI.Chat.ChatCompletion;
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.choices[0]!.message.content).toBe('');
  });

  it('Interactions: status incomplete', async () => {
    const res = await post(
      `${gw.h.url}/v1/interactions`,
      JSON.stringify({ model: 'claude-haiku-4-5', input: PAUSED, tools: [{ type: 'google_search' }], generation_config: { max_output_tokens: 400 }, start_within: 'default' }),
      { 'x-goog-api-key': gw.h.key },
    );
    expect(res.status).toBe(200);
    const interaction = res.json as { status: string; steps: { type: string }[] };
    expect(interaction.status).toBe('incomplete');
    expect(interaction.steps.map((s) => s.type)).toEqual(['google_search_call', 'google_search_result']);
  });
});

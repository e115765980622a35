// PDF input across providers (docs/product.md §6): a Responses `input_file` reaches OpenAI as sent,
// Anthropic as a `document` block and Gemini as `document` content; a file id uploaded to OpenAI
// is refused for the others, naming the field and what to send instead. Official `openai` SDK,
// real gateway, real emulator (which says "I read a document." when the last user turn has one).
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { useOpenAIHarness } from './harness.js';

const gw = useOpenAIHarness();

// A minimal PDF: enough bytes to be recognisable, carried as they are.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n').toString('base64');
const FILE_DATA = `data:application/pdf;base64,${PDF}`;

type Part = Record<string, unknown>;
const upstreamContent = (): Part[] => {
  const body = gw.h.emulator.requests.at(-1)!.body as { input?: { content?: Part[] }[]; messages?: { content: Part[] }[] };
  const turns = body.messages ?? body.input ?? [];
  return turns.at(-1)?.content ?? [];
};

function ask(model: string, file: Part, stream = false): Promise<unknown> {
  return gw.client.responses.create({
    model,
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'Summarise this file.' }, { type: 'input_file', ...file }] }],
    max_output_tokens: 300,
    stream,
    start_within: 'default',
  } as never);
}

async function answerText(model: string, file: Part, stream: boolean): Promise<string> {
  const res = await ask(model, file, stream);
  if (!stream) return (res as { output_text: string }).output_text;
  let text = '';
  for await (const e of res as AsyncIterable<{ type: string; delta?: string }>) if (e.type === 'response.output_text.delta') text += e.delta ?? '';
  return text;
}

describe('Responses input_file', () => {
  const cases = [
    ['gpt-5-mini', { type: 'input_file', file_data: FILE_DATA, filename: 'report.pdf' }],
    ['claude-haiku-4-5', { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' }],
    ['gemini-2.5-flash', { type: 'document', data: PDF, mime_type: 'application/pdf' }],
  ] as const;

  it.each(cases)('%s: the PDF reaches the provider in its own form (non-streamed and streamed)', async (model, expected) => {
    for (const stream of [false, true]) {
      const text = await answerText(model, { file_data: FILE_DATA, filename: 'report.pdf' }, stream);
      expect(upstreamContent()).toContainEqual(expected);
      expect(text).toMatch(/^I read a document\. /);
    }
  });

  it.each([
    ['gpt-5-mini', { type: 'input_file', file_url: 'https://example.com/report.pdf' }],
    ['claude-haiku-4-5', { type: 'document', source: { type: 'url', url: 'https://example.com/report.pdf' } }],
    ['gemini-2.5-flash', { type: 'document', uri: 'https://example.com/report.pdf' }],
  ] as const)('%s: a file_url is passed by URL', async (model, expected) => {
    await ask(model, { file_url: 'https://example.com/report.pdf' });
    expect(upstreamContent()).toContainEqual(expected);
  });

  it('detail reaches OpenAI; Anthropic and Gemini have no such setting, which the warnings header says', async () => {
    const file = { file_data: FILE_DATA, filename: 'report.pdf', detail: 'low' };
    for (const model of ['gpt-5-mini', 'claude-haiku-4-5', 'gemini-2.5-flash']) {
      const { data, response } = await gw.client.responses
        .create({
          model,
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'Summarise this file.' }, { type: 'input_file', ...file }] }],
          max_output_tokens: 300,
          start_within: 'default',
        } as never)
        .withResponse();
      expect((data as unknown as { output_text: string }).output_text).toMatch(/^I read a document\. /);
      if (model === 'gpt-5-mini') {
        expect(upstreamContent()).toContainEqual({ type: 'input_file', ...file });
        expect(response.headers.get('x-flexinference-warnings')).toBeNull();
      } else {
        expect(JSON.stringify(upstreamContent())).not.toContain('detail');
        expect(response.headers.get('x-flexinference-warnings')).toBe('translated:input[0]');
      }
    }
  });

  it('a file_id goes to OpenAI as sent', async () => {
    await ask('gpt-5-mini', { file_id: 'file-abc123' });
    expect(upstreamContent()).toContainEqual({ type: 'input_file', file_id: 'file-abc123' });
  });

  it.each(['claude-haiku-4-5', 'gemini-2.5-flash'])('a file_id uploaded to OpenAI is refused for %s, saying what to send', async (model) => {
    const before = gw.h.emulator.requests.length;
    const err = (await ask(model, { file_id: 'file-abc123' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('unsupported_parameter');
    expect(err.param).toBe('input[0]');
    expect(err.message).toContain('file_data');
    expect(gw.h.emulator.requests.length).toBe(before);
  });

  it('a file part that is not a base64 data URL, or has two sources, is a clear 400', async () => {
    const bad = (await ask('claude-haiku-4-5', { file_data: 'JVBERi0xLjQK' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.code).toBe('invalid_parameter');
    expect(bad.param).toBe('input[0].content[1].file_data');
    const two = (await ask('gpt-5-mini', { file_data: FILE_DATA, file_id: 'file-1' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(two.code).toBe('invalid_parameter');
    expect(two.param).toBe('input[0].content[1]');
  });
});

describe('Messages document blocks', () => {
  it.each([
    ['gpt-5-mini', { type: 'input_file', file_data: FILE_DATA, filename: 'report.pdf' }],
    ['gemini-2.5-flash', { type: 'document', data: PDF, mime_type: 'application/pdf' }],
    ['claude-haiku-4-5', { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' }],
  ] as const)('a base64 PDF reaches %s in its own form', async (model, expected) => {
    const anthropic = new Anthropic({ apiKey: gw.h.key, baseURL: gw.h.url, maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model,
      max_tokens: 300,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' }, { type: 'text', text: 'Summarise this file.' }] }],
      start_within: 'default',
    } as never);
    expect(upstreamContent()).toContainEqual(expected);
    const text = (msg as Anthropic.Message).content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    expect(text).toMatch(/^I read a document\. /);
  });
});

import { describe, expect, it } from 'vitest';
import { parseScript, stripDirectives } from './directives.js';
import { buildReply, type Ask } from './reply.js';
import { valueForSchema } from './schema-value.js';

const ASK: Ask = {
  model: 'gpt-5',
  tier: 'default',
  tierClass: 'standard',
  stream: false,
  lastUserText: 'Hello',
  inputChars: 20,
  hasImage: false,
  endsWithToolResult: false,
  tools: [],
  wantsReasoning: false,
};

describe('directives', () => {
  it('defaults to no directive', () => {
    expect(parseScript('just a question')).toEqual({
      reasoning: false,
      truncate: false,
      pauseTurn: false,
      failMidstream: false,
      flexFailMidstream: false,
      silence: false,
      flexRefuse: false,
    });
  });

  it('reads tool_call with a JSON args value containing spaces and brackets', () => {
    const s = parseScript('call it [emulate:tool_call name=lookup args={"q": "a ] b", "n": [1, 2]}] please');
    expect(s).toMatchObject({ answer: 'tool_call', toolName: 'lookup', toolArgs: { q: 'a ] b', n: [1, 2] } });
  });

  it('reads several directives and numeric values', () => {
    const s = parseScript('[emulate:reasoning] [emulate:error=503] [emulate:flex_delay=1500] [emulate:delay=20] [emulate:fail_midstream] [emulate:silence] [emulate:flex_refuse] [emulate:truncate]');
    expect(s).toMatchObject({ reasoning: true, errorStatus: 503, flexDelayMs: 1500, delayMs: 20, failMidstream: true, silence: true, flexRefuse: true, truncate: true });
  });

  it('pause_turn pauses after the search only where the API can pause and a search was offered', () => {
    const script = parseScript('Which towns? [emulate:pause_turn]');
    expect(script.pauseTurn).toBe(true);
    const paused = buildReply({ ...ASK, lastUserText: 'Which towns? [emulate:pause_turn]', webSearch: true, pausesTurns: true }, script, 1);
    expect(paused.finish).toBe('pause');
    expect(paused.blocks.map((b) => b.kind)).toEqual(['search']);
    // OpenAI and Gemini have no paused turn; without a search there is nothing to pause.
    expect(buildReply({ ...ASK, lastUserText: 'Which towns? [emulate:pause_turn]', webSearch: true }, script, 1).finish).toBe('stop');
    expect(buildReply({ ...ASK, lastUserText: 'Which towns? [emulate:pause_turn]', pausesTurns: true }, script, 1).finish).toBe('stop');
  });

  it('reads flex-only failures', () => {
    expect(parseScript('[emulate:flex_error=500] [emulate:flex_fail_midstream]')).toMatchObject({ flexErrorStatus: 500, flexFailMidstream: true });
  });

  it('ignores unknown and malformed directives', () => {
    expect(parseScript('[emulate:dance] [emulate:error=abc] [emulate:error=200]').errorStatus).toBeUndefined();
  });

  it('strips directives from the text', () => {
    expect(stripDirectives('Weather in Paris? [emulate:tool_call name=w args={"a":1}]')).toBe('Weather in Paris?');
  });
});

describe('reply', () => {
  it('is deterministic in (seed, model, text) and differs across seeds', () => {
    const a = buildReply(ASK, parseScript(ASK.lastUserText), 1);
    expect(buildReply(ASK, parseScript(ASK.lastUserText), 1)).toEqual(a);
    expect(buildReply({ ...ASK, tier: 'flex', tierClass: 'flex' }, parseScript(ASK.lastUserText), 1)).toEqual(a);
    expect(buildReply(ASK, parseScript(ASK.lastUserText), 2)).not.toEqual(a);
  });

  it('derives token counts from lengths and joins chunks back to the text', () => {
    const r = buildReply(ASK, parseScript(''), 1);
    const block = r.blocks[0];
    if (block?.kind !== 'text') throw new Error('expected text');
    expect(block.chunks.join('')).toBe(block.text);
    expect(r.usage.outputTokens).toBe(Math.ceil(block.text.length / 4));
    expect(r.usage.inputTokens).toBe(5);
  });

  it('cuts at max output tokens (finish length)', () => {
    const r = buildReply({ ...ASK, maxOutputTokens: 3 }, parseScript(''), 1);
    expect(r.finish).toBe('length');
    expect(r.usage.outputTokens).toBe(3);
  });

  it('calls the first tool with arguments built from its schema by default', () => {
    const ask = { ...ASK, lastUserText: '[emulate:tool_call] Paris', tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } }] };
    const r = buildReply(ask, parseScript(ask.lastUserText), 1);
    expect(r.finish).toBe('tool_calls');
    const block = r.blocks[0];
    if (block?.kind !== 'tool_call') throw new Error('expected tool call');
    expect(block.name).toBe('get_weather');
    expect(JSON.parse(block.arguments)).toEqual({ city: 'Paris' });
  });

  it('builds schema values for nested shapes', () => {
    expect(valueForSchema({ type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } }, kind: { enum: ['x', 'y'] }, n: { anyOf: [{ type: 'null' }, { type: 'number' }] } } }, 'w'))
      .toEqual({ tags: ['w'], kind: 'x', n: 1.5 });
  });
});

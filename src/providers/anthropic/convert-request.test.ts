import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, InputItem, RequestedTier, WarningCode } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { convertAnthropicRequest } from './convert-request.js';
import { readFixture } from './test-support/fixtures.js';

const convert = (request: CanonicalRequest, tier: RequestedTier) => convertAnthropicRequest({ request, tier });

/** A warning with this code and field whose sentence contains `text`. */
const warned = (code: WarningCode, field: string, text: string): unknown =>
  expect.objectContaining({ code, field, message: expect.stringContaining(text) as unknown });

function req(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: 'claude-sonnet-4-5', input: [], maxOutputTokens: 4096, ...overrides };
}

const user = (text: string): InputItem => ({ type: 'message', role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): InputItem => ({ type: 'message', role: 'assistant', content: [{ type: 'text', text }] });

describe('convertAnthropicRequest: envelope', () => {
  it('always streams, maps the tier and copies temperature (not top_p beside it) and the end-user id', () => {
    const { body, warnings } = convert(
      req({ input: [user('hi')], temperature: 0.2, topP: 0.9, user: 'user-42' }),
      'standard',
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: true,
      service_tier: 'standard_only',
      temperature: 0.2,
      metadata: { user_id: 'user-42' },
    });
    expect(warnings).toEqual([warned('sampling_dropped', 'top_p', 'temperature and top_p together')]);
    expect(convert(req({ topP: 0.9 }), 'standard').body.top_p).toBe(0.9);
  });

  it.each([
    ['standard', 'standard_only'],
    ['priority', 'auto'],
    ['auto', 'auto'],
  ] as const)('maps tier %s to service_tier %s', (tier, expected) => {
    expect(convert(req(), tier).body.service_tier).toBe(expected);
  });

  it('refuses the flex tier as an internal error', () => {
    expect(() => convert(req(), 'flex')).toThrow(FlexError);
    try {
      convert(req(), 'flex');
    } catch (error) {
      expect((error as FlexError).code).toBe('internal_error');
    }
  });

  it('requires max output tokens', () => {
    expect(() => convert(req({ maxOutputTokens: undefined as unknown as number }), 'standard')).toThrow(
      expect.objectContaining({ code: 'missing_max_tokens' }) as Error,
    );
  });

  it('gathers instructions and system/developer messages into system, in order', () => {
    const { body } = convert(
      req({
        instructions: 'Be brief.',
        input: [
          { type: 'message', role: 'system', content: [{ type: 'text', text: 'You are a pirate.' }] },
          user('hi'),
          { type: 'message', role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        ],
      }),
      'standard',
    );
    expect(body.system).toBe('Be brief.\n\nYou are a pirate.\n\nAnswer in French.');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('is pure: converting again gives an equal result and leaves the request as it was', () => {
    const request = req({
      model: 'claude-opus-4-5-20251101',
      input: [
        user('  '),
        { type: 'reasoning', id: 'rs_x', summary: [], opaque: { provider: 'openai', data: 'gAAAA' } },
        { type: 'item_reference', id: 'msg_gone' },
        user('q'),
      ],
      tools: [{ type: 'function', name: 'f', parameters: {}, strict: true }],
      reasoning: { effort: 'xhigh', budgetTokens: 9000 },
      maxOutputTokens: 2000,
      temperature: 0.5,
      topP: 0.5,
      metadata: { team: 'a' },
      output: { type: 'json_object' },
    });
    const before = structuredClone(request);
    const first = convert(request, 'standard');
    expect(convert(request, 'standard')).toEqual(first);
    expect(request).toEqual(before);
    expect(first.warnings.map((w) => `${w.code}:${w.field}`)).toEqual([
      'translated:input[0]',
      'reasoning_item_dropped:input[1]',
      'item_reference_dropped:input[2]',
      'thinking_budget_changed:reasoning.budget_tokens',
      'reasoning_changed:reasoning.effort',
      'translated:text.format',
      'sampling_dropped:temperature',
      'sampling_dropped:top_p',
      'translated:metadata',
    ]);
  });

  it('warns about metadata keys Anthropic cannot carry', () => {
    const { body, warnings } = convert(req({ metadata: { team: 'search' } }), 'standard');
    expect(body.metadata).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});

describe('convertAnthropicRequest: messages', () => {
  it('merges consecutive same-role turns so roles alternate', () => {
    const { body } = convert(req({ input: [user('a'), user('b'), assistant('c'), assistant('d'), user('e')] }), 'standard');
    expect(body.messages.map((m) => [m.role, m.content.length])).toEqual([
      ['user', 2],
      ['assistant', 2],
      ['user', 1],
    ]);
  });

  it('converts url and base64 images and skips empty text', () => {
    const { body, warnings } = convert(
      req({
        input: [
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'text', text: '' },
              { type: 'text', text: 'What is this?' },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
              { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, detail: 'low' },
            ],
          },
        ],
      }),
      'standard',
    );
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
    expect(warnings).toEqual([warned('translated', 'input[0]', 'detail "low"')]);
  });

  it('drops whitespace-only text blocks and system texts, with a warning per item', () => {
    const { body, warnings } = convert(
      req({
        instructions: ' \n',
        input: [
          { type: 'message', role: 'system', content: [{ type: 'text', text: '\t' }] },
          { type: 'message', role: 'user', content: [{ type: 'text', text: '  ' }, { type: 'text', text: 'hi' }] },
          { type: 'message', role: 'assistant', content: [{ type: 'text', text: '\n\n' }] },
          { type: 'message', role: 'user', content: [{ type: 'text', text: ' ' }] },
        ],
      }),
      'standard',
    );
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    expect(warnings).toEqual(['input[1]', 'input[2]', 'input[3]'].map((field) => warned('translated', field, 'Whitespace-only text')));
  });

  it('replays a thinking tool loop exactly as recorded (test_anthropic_tool_with_thinking)', () => {
    const cassette = readFixture('test_anthropic_tool_with_thinking.yaml');
    const signature = /signature: (\S+)/.exec(cassette)?.[1] ?? '';
    expect(signature).toMatch(/^EqEECkYICxgCKkAo3UA4/);
    const thinking =
      'The user is asking about the largest city in "the user country". To answer this question, I first need to determine what country the user is from. I have access to a function called "get_user_country" that can help me find out the user\'s country. Once I know the country, I can then provide information about its largest city.\n\nLet me call the get_user_country function first.';
    const intro = "I'll help you find the largest city in your country. First, let me determine which country you're from.";
    const { body } = convert(
      req({
        model: 'claude-sonnet-4-0',
        input: [
          user('What is the largest city in the user country?'),
          { type: 'reasoning', id: 'rs_1', summary: [], text: thinking, opaque: { provider: 'anthropic', data: signature } },
          { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'text', text: intro }] },
          { type: 'function_call', id: 'fc_1', callId: 'toolu_01YGzqpRE16Vricda3Aqcejo', name: 'get_user_country', arguments: '{}' },
          { type: 'function_call_output', callId: 'toolu_01YGzqpRE16Vricda3Aqcejo', output: 'Mexico', isError: false },
        ],
        tools: [{ type: 'function', name: 'get_user_country', description: '', parameters: { additionalProperties: false, properties: {}, type: 'object' } }],
        toolChoice: { type: 'auto' },
        reasoning: { budgetTokens: 3000 },
      }),
      'standard',
    );
    // The second request of the cassette, field for field.
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is the largest city in the user country?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking, signature },
          { type: 'text', text: intro },
          { type: 'tool_use', id: 'toolu_01YGzqpRE16Vricda3Aqcejo', name: 'get_user_country', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01YGzqpRE16Vricda3Aqcejo', content: 'Mexico', is_error: false }] },
    ]);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
    expect(body.tool_choice).toEqual({ type: 'auto' });
    expect(body.tools).toEqual([
      { name: 'get_user_country', description: '', input_schema: { additionalProperties: false, properties: {}, type: 'object' } },
    ]);
  });

  it('groups parallel tool calls in one assistant turn and their results in one user turn (test_multiple_parallel_tool_calls)', () => {
    const people = [
      ['toolu_0167cfEnoQaPviGdVXA95zcu', 'Alice', "alice is bob's wife"],
      ['toolu_01EEe2V5HD1Ac4rKiUR4HD2T', 'Bob', "bob is alice's husband"],
      ['toolu_01XFyAjstT3966qvRynZyVPo', 'Charlie', "charlie is alice's son"],
      ['toolu_013mnQZbgtK2oe3Mo3XKJsx3', 'Daisy', "daisy is bob's daughter and charlie's younger sister"],
    ] as const;
    const cassette = readFixture('test_multiple_parallel_tool_calls.yaml');
    for (const [id, , result] of people) {
      expect(cassette).toContain(id);
      expect(cassette).toContain(result);
    }
    const { body } = convert(
      req({
        input: [
          user('Alice, Bob, Charlie and Daisy are a family. Who is the youngest?'),
          assistant('I will look them up.'),
          ...people.map(([id, name]): InputItem => ({ type: 'function_call', id: `fc_${name}`, callId: id, name: 'retrieve_entity_info', arguments: JSON.stringify({ name }) })),
          ...people.map(([id, , output]): InputItem => ({ type: 'function_call_output', callId: id, output, isError: false })),
        ],
      }),
      'standard',
    );
    expect(body.messages).toHaveLength(3);
    expect(body.messages[1]?.content.slice(1)).toEqual(
      people.map(([id, name]) => ({ type: 'tool_use', id, name: 'retrieve_entity_info', input: { name } })),
    );
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: people.map(([id, , content]) => ({ type: 'tool_result', tool_use_id: id, content, is_error: false })),
    });
  });

  it('puts tool results before user text in the same turn, whatever the input order', () => {
    const call: InputItem = { type: 'function_call', id: 'fc_1', callId: 'toolu_1', name: 'f', arguments: '{"x":1}' };
    const result: InputItem = {
      type: 'function_call_output',
      callId: 'toolu_1',
      output: [{ type: 'text', text: 'done' }, { type: 'image', source: { type: 'url', url: 'https://example.com/chart.png' } }],
      isError: true,
    };
    const { body } = convert(req({ input: [user('go'), call, user('and then?'), result] }), 'standard');
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { x: 1 } }] });
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_1',
          content: [{ type: 'text', text: 'done' }, { type: 'image', source: { type: 'url', url: 'https://example.com/chart.png' } }],
          is_error: true,
        },
        { type: 'text', text: 'and then?' },
      ],
    });
  });

  it('places replayed thinking first in its assistant turn and replays redacted thinking', () => {
    const { body } = convert(
      req({
        input: [
          user('q'),
          assistant('visible answer'),
          { type: 'reasoning', id: 'rs_1', summary: ['part one', 'part two'], opaque: { provider: 'anthropic', data: 'sig' } },
          { type: 'reasoning', id: 'rs_2', summary: [], opaque: { provider: 'anthropic', data: 'opaque-bytes', redacted: true } },
        ],
      }),
      'standard',
    );
    expect(body.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'part one\n\npart two', signature: 'sig' },
      { type: 'text', text: 'visible answer' },
      { type: 'redacted_thinking', data: 'opaque-bytes' },
    ]);
  });

  it('drops reasoning made by another provider, with a warning', () => {
    const { body, warnings } = convert(
      req({
        input: [
          user('q'),
          { type: 'reasoning', id: 'rs_openai', summary: ['s'], opaque: { provider: 'openai', data: 'gAAAA' } },
          assistant('a'),
        ],
      }),
      'standard',
    );
    expect(body.messages[1]?.content).toEqual([{ type: 'text', text: 'a' }]);
    expect(warnings).toEqual([warned('reasoning_item_dropped', 'input[1]', 'rs_openai came from openai')]);
  });

  describe('thinking in a tool loop', () => {
    const call: InputItem = { type: 'function_call', id: 'fc', callId: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
    const result: InputItem = { type: 'function_call_output', callId: 'toolu_1', output: '{"temp_c":21}' };
    const thought: InputItem = { type: 'reasoning', id: 'rs_1', summary: [], text: 'think', opaque: { provider: 'anthropic', data: 'sig' } };
    const reasoning = { effort: 'medium' } as const;

    it('keeps thinking on when the tool turn replays its thinking block', () => {
      const { body, warnings } = convert(req({ reasoning, input: [user('q'), thought, call, result] }), 'standard');
      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 4095 });
      expect(body.messages[1]?.content[0]).toMatchObject({ type: 'thinking', signature: 'sig' });
      expect(warnings).toEqual([]);
    });

    it('leaves thinking off, with a warning, when the tool turn has no thinking block to replay', () => {
      const { body, warnings } = convert(req({ reasoning, input: [user('q'), call, result] }), 'standard');
      expect(body.thinking).toBeUndefined();
      expect(warnings).toEqual([warned('thinking_disabled', 'reasoning', 'Thinking was not enabled')]);
    });

    it('keeps thinking on once the tool loop is over (an earlier tool turn without thinking)', () => {
      const input: InputItem[] = [user('q'), call, result, assistant('done'), user('next')];
      expect(convert(req({ reasoning, input }), 'standard').body.thinking).toBeDefined();
    });
  });

  it('sends non-object function arguments as {} with a warning', () => {
    const { body, warnings } = convert(
      req({ input: [user('q'), { type: 'function_call', id: 'fc', callId: 'toolu_x', name: 'f', arguments: '{"trunc' }] }),
      'standard',
    );
    expect(body.messages[1]?.content[0]).toMatchObject({ type: 'tool_use', input: {} });
    expect(warnings).toHaveLength(1);
  });
});

describe('convertAnthropicRequest: sampling with thinking', () => {
  const reasoning = { effort: 'medium' } as const;

  it.each([
    ['claude-sonnet-4-5', reasoning],
    ['claude-opus-4-7', { effort: 'high' }],
  ] as const)('on %s sends only temperature 1 and top_p >= 0.95, with warnings', (model, thinking) => {
    const dropped = convert(req({ model, reasoning: thinking, temperature: 0.7, topP: 0.9 }), 'standard');
    expect(dropped.body.thinking).toBeDefined();
    expect(dropped.body.temperature).toBeUndefined();
    expect(dropped.body.top_p).toBeUndefined();
    expect(dropped.warnings).toEqual([warned('sampling_dropped', 'temperature', 'temperature 1'), warned('sampling_dropped', 'top_p', 'top_p >= 0.95')]);
    const kept = convert(req({ model, reasoning: thinking, temperature: 1 }), 'standard');
    expect(kept.body.temperature).toBe(1);
    expect(kept.warnings).toEqual([]);
    expect(convert(req({ model, reasoning: thinking, topP: 0.95 }), 'standard').body.top_p).toBe(0.95);
  });

  it('keeps sampling fields when thinking stayed off', () => {
    const { body, warnings } = convert(req({ reasoning: { effort: 'none' }, temperature: 0.3 }), 'standard');
    expect(body.temperature).toBe(0.3);
    expect(warnings).toEqual([]);
  });

  it('leaves thinking and effort off, with a warning, when the tool choice forces a tool', () => {
    const tools = [{ type: 'function' as const, name: 'lookup', parameters: { type: 'object' } }];
    for (const toolChoice of [{ type: 'required' }, { type: 'function', name: 'lookup' }] as const) {
      const { body, warnings } = convert(
        req({ model: 'claude-opus-4-7', reasoning: { effort: 'high' }, tools, toolChoice, temperature: 0.2 }),
        'standard',
      );
      expect(body.thinking).toBeUndefined();
      expect(body.output_config).toBeUndefined();
      expect(body.temperature).toBe(0.2);
      expect(warnings).toEqual([warned('thinking_disabled', 'reasoning', 'forces a tool call')]);
    }
    const auto = convert(req({ reasoning, tools, toolChoice: { type: 'auto' } }), 'standard');
    expect(auto.body.thinking).toBeDefined();
  });

  it('clamps an explicit thinking budget into [1024, max_tokens), or leaves thinking off, warning either way', () => {
    const over = convert(req({ model: 'claude-sonnet-4-0', reasoning: { budgetTokens: 8000 }, maxOutputTokens: 4096 }), 'standard');
    expect(over.body.thinking).toEqual({ type: 'enabled', budget_tokens: 4095 });
    expect(over.warnings).toEqual([warned('thinking_budget_changed', 'reasoning.budget_tokens', '8000 was sent as 4095')]);
    const under = convert(req({ model: 'claude-sonnet-4-0', reasoning: { budgetTokens: 500 } }), 'standard');
    expect(under.body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(under.warnings).toEqual([warned('thinking_budget_changed', 'reasoning.budget_tokens', '500 was sent as 1024')]);
    const none = convert(req({ model: 'claude-sonnet-4-0', reasoning: { budgetTokens: 2000 }, maxOutputTokens: 1024 }), 'standard');
    expect(none.body.thinking).toBeUndefined();
    expect(none.warnings).toEqual([warned('thinking_disabled', 'reasoning', 'Thinking was not enabled')]);
  });
});

describe('convertAnthropicRequest: tools and output', () => {
  const tool = { type: 'function' as const, name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } };

  it.each([
    [{ type: 'auto' }, undefined, { type: 'auto' }],
    [{ type: 'required' }, undefined, { type: 'any' }],
    [{ type: 'function', name: 'lookup' }, undefined, { type: 'tool', name: 'lookup' }],
    [{ type: 'none' }, false, { type: 'none' }],
    [{ type: 'required' }, false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, true, undefined],
  ] as const)('maps tool choice %j with parallel %j', (toolChoice, parallelToolCalls, expected) => {
    const { body } = convert(
      req({ tools: [tool], ...(toolChoice ? { toolChoice } : {}), ...(parallelToolCalls === undefined ? {} : { parallelToolCalls }) }),
      'standard',
    );
    expect(body.tool_choice).toEqual(expected);
  });

  it('converts tools, adding the object type to an empty schema and keeping strict where supported', () => {
    const { body, warnings } = convert(
      req({ tools: [{ ...tool, strict: true }, { type: 'function', name: 'ping', parameters: {} }] }),
      'standard',
    );
    expect(body.tools).toEqual([
      { name: 'lookup', description: 'Look up', input_schema: tool.parameters, strict: true },
      { name: 'ping', input_schema: { type: 'object' } },
    ]);
    expect(warnings).toEqual([]);
    const old = convert(req({ model: 'claude-3-7-sonnet-20250219', tools: [{ ...tool, strict: true }] }), 'standard');
    expect(old.body.tools?.[0]).not.toHaveProperty('strict');
    expect(old.warnings).toHaveLength(1);
  });

  it('sends no tool_choice without tools', () => {
    expect(convert(req({ toolChoice: { type: 'required' } }), 'standard').body.tool_choice).toBeUndefined();
  });

  it('maps a JSON schema output to output_config.format, or warns on models without structured outputs', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const output = { type: 'json_schema' as const, name: 'city', schema };
    expect(convert(req({ output }), 'standard').body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const old = convert(req({ model: 'claude-sonnet-4-0', output }), 'standard');
    expect(old.body.output_config).toBeUndefined();
    expect(old.warnings).toEqual([warned('translated', 'text.format', 'Structured outputs')]);
    expect(convert(req({ output: { type: 'json_object' } }), 'standard').warnings).toHaveLength(1);
  });
});

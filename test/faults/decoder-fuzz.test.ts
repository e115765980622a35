// Seeded, bounded fuzzing of each surface's request decoder: valid requests with random parts
// replaced, removed, retyped or added. Whatever comes in, a decoder either decodes it or throws a
// catalog error that renders in its own dialect — never another exception. A sample of the same
// mutations goes through the real gateway, where nothing may answer 500 or fail to answer.
// FUZZ_SEED and FUZZ_CASES vary the run; a failure names the seed and case that reproduce it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlexError } from '../../src/errors/catalog.js';
import { chatSurface } from '../../src/surfaces/chat/index.js';
import { interactionsSurface } from '../../src/surfaces/interactions/index.js';
import { messagesSurface } from '../../src/surfaces/messages/index.js';
import { responsesSurface } from '../../src/surfaces/responses/index.js';
import type { Surface } from '../../src/surfaces/surface.js';
import type { Harness } from '../e2e/harness.js';
import { startHarness } from '../e2e/harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const CASES = Number(process.env.FUZZ_CASES ?? 2_000);
const GATEWAY_CASES = 40;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const tool = { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const image = 'https://example.com/cat.png';

const SEEDS: Record<string, Json[]> = {
  responses: [
    { model: 'gpt-5-mini', input: 'Hello', start_within: 'default', max_output_tokens: 100, temperature: 0.5 },
    {
      model: 'gpt-5-mini', start_within: 'default', instructions: 'Be brief.', tools: [tool], tool_choice: 'auto', reasoning: { effort: 'low', summary: 'auto' },
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }, { type: 'input_image', image_url: image }] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
      ],
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
    },
  ],
  chat: [
    { model: 'gpt-5-mini', start_within: 'default', messages: [{ role: 'user', content: 'Hello' }], max_completion_tokens: 100 },
    {
      model: 'gpt-5-mini', start_within: 'default', stream: true, stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: tool.parameters } }], tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' } } },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: image } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    },
  ],
  messages: [
    { model: 'claude-sonnet-4-5', start_within: 'default', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] },
    {
      model: 'claude-sonnet-4-5', start_within: 'default', max_tokens: 2048, system: [{ type: 'text', text: 'Be brief.' }], thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: tool.parameters }], tool_choice: { type: 'auto' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'url', url: image } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'tool_use', id: 'c1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'sunny' }] },
      ],
    },
  ],
  interactions: [
    { model: 'gemini-2.5-flash', start_within: 'default', input: 'Hello', generation_config: { max_output_tokens: 100 } },
    {
      model: 'gemini-2.5-flash', start_within: 'default', system_instruction: 'Be brief.', generation_config: { temperature: 0.2, thinking_level: 'low' },
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: tool.parameters }],
      input: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', uri: image, mime_type: 'image/png' }] },
        { role: 'model', content: [{ type: 'function_call', id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'function_result', call_id: 'c1', name: 'get_weather', result: 'sunny' }] },
      ],
    },
  ],
};

const SURFACES: readonly Surface[] = [responsesSurface, chatSurface, messagesSurface, interactionsSurface];

/** mulberry32: small, seedable, good enough to pick mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['type', 'role', 'content', 'text', 'name', 'arguments', 'input', 'tools', 'id', '__proto__', 'constructor', 'toString', 'service_tier', 'cache_control', 'n', 'stop', 'seed'];

function randomValue(next: () => number, depth = 0): Json {
  const pick = Math.floor(next() * 16);
  switch (pick) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return Math.floor(next() * 2_000_000) - 1_000_000;
    case 3: return [0, -1, 1.5, 1e308, -1e-308, 2 ** 53 + 1][Math.floor(next() * 6)] ?? 0;
    case 4: return '';
    case 5: return 'x'.repeat(Math.floor(next() * 20_000));
    case 6: return ['\u0000', '\ud800', '{"a":', 'user', 'assistant', 'function', 'text', 'image', 'auto', 'none', '00h-00m-05s'][Math.floor(next() * 11)] ?? '';
    case 7: return [];
    case 8: return {};
    case 9: return deep(Math.floor(next() * 200));
    default:
      if (depth > 3) return 'leaf';
      return next() < 0.5
        ? Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1))
        : Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [KEYS[Math.floor(next() * KEYS.length)] ?? 'k', randomValue(next, depth + 1)]));
  }
}

function deep(levels: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { content: value };
  return value;
}

/** Every container in the tree, with a way to change one of its slots. */
function containers(value: Json, out: Array<Json[] | { [key: string]: Json }> = []): Array<Json[] | { [key: string]: Json }> {
  if (value !== null && typeof value === 'object') {
    out.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, out);
  }
  return out;
}

function mutate(seedBody: Json, next: () => number): Record<string, unknown> {
  const body = structuredClone(seedBody) as { [key: string]: Json };
  const rounds = 1 + Math.floor(next() * 4);
  for (let r = 0; r < rounds; r++) {
    const all = containers(body);
    const target = all[Math.floor(next() * all.length)] ?? body;
    const keys = Array.isArray(target) ? target.map((_, i) => String(i)) : Object.keys(target);
    const key = next() < 0.2 || keys.length === 0 ? (KEYS[Math.floor(next() * KEYS.length)] ?? 'k') : (keys[Math.floor(next() * keys.length)] ?? 'k');
    const action = next();
    if (Array.isArray(target)) {
      const i = Number(key) || 0;
      if (action < 0.2) target.splice(i, 1);
      else target[i] = randomValue(next);
    } else if (action < 0.2) {
      delete target[key];
    } else {
      // JSON.parse makes "__proto__" an own key; defineProperty does the same here.
      Object.defineProperty(target, key, { value: randomValue(next), enumerable: true, writable: true, configurable: true });
    }
  }
  // Through JSON, as the server sees it.
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}

describe.each(SURFACES)('request decoder fuzz: $name', (surface) => {
  it(`decodes or refuses ${CASES} mutated requests with a catalog error (seed ${SEED})`, () => {
    const next = rng(SEED * 31 + surface.name.length);
    const seeds = SEEDS[surface.name] ?? [];
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const body = mutate(seeds[i % seeds.length] ?? {}, next);
      try {
        const result = surface.decode(body);
        expect(typeof result.request.model).toBe('string');
        expect(Array.isArray(result.request.input)).toBe(true);
        JSON.stringify(result.request);
        decoded++;
      } catch (err) {
        if (!(err instanceof FlexError)) {
          throw new Error(`seed ${SEED} case ${i}: ${String(err)} for ${JSON.stringify(body).slice(0, 400)}`, { cause: err });
        }
        expect(err.status, `seed ${SEED} case ${i}: ${err.code}`).toBe(400);
        const rendered = surface.renderError(err, 'http://gateway');
        expect(rendered.status).toBe(400);
        // All three envelopes carry the message under `error.message` (Anthropic's and Google's
        // lead with the field, as they have no `param`).
        expect((rendered.body as { error: { message: string } }).error.message).toContain(err.message);
        refused++;
      }
    }
    // Both outcomes are exercised, or the mutations are too weak (or too strong) to mean much.
    expect(decoded).toBeGreaterThan(CASES / 20);
    expect(refused).toBeGreaterThan(CASES / 20);
  });
});

describe('request fuzz through the gateway', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(SURFACES)(`$name: ${GATEWAY_CASES} mutated requests, and bytes that are not JSON, are each answered without a 500`, async (surface) => {
    const next = rng(SEED * 7 + surface.name.length);
    const seeds = SEEDS[surface.name] ?? [];
    for (let i = 0; i < GATEWAY_CASES; i++) {
      const mutated = JSON.stringify(mutate(seeds[i % seeds.length] ?? {}, next));
      // Every fourth case is cut short or has a byte changed: no longer JSON, or not the same JSON.
      const bytes = i % 4 === 3 ? mutated.slice(0, Math.floor(next() * mutated.length)) : mutated;
      const res = await fetch(`${h.url}${surface.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
        body: bytes,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      expect(res.status, `seed ${SEED} case ${i}: ${text.slice(0, 300)}`).not.toBe(500);
      if (res.status >= 400) {
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const body = JSON.parse(text) as { error?: unknown; type?: string };
        expect(body.error, text).toBeDefined();
      }
    }
  });
});

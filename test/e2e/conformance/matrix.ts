// The conformance matrix: every caller surface × every provider × every feature × {stream,
// non-stream} (issue 4). Dimensions, shared inputs and the cell result type live here; the drivers
// speak each surface through its official SDK and the suite asserts each cell.
import type { ProviderName, SurfaceName } from '../../../src/canonical/types.js';
import type { ErrorCode } from '../../../src/errors/catalog.js';

export const SURFACES: readonly SurfaceName[] = ['responses', 'chat', 'messages', 'interactions'];

/** One model per provider; Anthropic and Gemini are picked by the model name's prefix. */
export const PROVIDER_MODELS: Readonly<Record<ProviderName, string>> = {
  openai: 'gpt-5-mini',
  gemini: 'gemini-2.5-flash',
  anthropic: 'claude-sonnet-4-5',
};

export const PROVIDERS: readonly ProviderName[] = ['openai', 'gemini', 'anthropic'];

export type Feature = 'text' | 'tool_round_trip' | 'json_schema' | 'image_input' | 'reasoning';

export const FEATURES: readonly Feature[] = ['text', 'tool_round_trip', 'json_schema', 'image_input', 'reasoning'];

export const FEATURE_TITLES: Readonly<Record<Feature, string>> = {
  text: 'plain text',
  tool_round_trip: 'tool call round trip',
  json_schema: 'JSON-schema output',
  image_input: 'image input',
  reasoning: 'reasoning / thinking',
};

export type Mode = 'non-stream' | 'stream';

export const MODES: readonly Mode[] = ['non-stream', 'stream'];

/** Every request runs on the standard tier: the matrix is about translation, not the flex race. */
export const START_WITHIN = 'default';

/** Claude needs an output limit on every surface; this one leaves room for a 4096-token thinking budget. */
export const MAX_TOKENS = 8192;

export type CellStatus =
  | { kind: 'pass' }
  | { kind: 'refused'; code: ErrorCode; message: string }
  | { kind: 'fail'; reason: string };

export interface CellResult {
  surface: SurfaceName;
  provider: ProviderName;
  feature: Feature;
  mode: Mode;
  status: CellStatus;
  /** What the cell proved, in a few words (shown in the table's notes). */
  note?: string;
}

/**
 * Pairs that cannot carry a feature and are refused with a documented error instead. A refusal
 * that is not listed here fails its cell. Empty: every surface carries every feature to every
 * provider.
 */
export const EXPECTED_REFUSALS: ReadonlyArray<{
  surface: SurfaceName;
  provider: ProviderName;
  feature: Feature;
  code: ErrorCode;
  why: string;
}> = [];

export function expectedRefusal(surface: SurfaceName, provider: ProviderName, feature: Feature): ErrorCode | undefined {
  return EXPECTED_REFUSALS.find((r) => r.surface === surface && r.provider === provider && r.feature === feature)?.code;
}

// ---------------------------------------------------------------------------------------------
// Shared inputs

export interface ObjectSchema {
  [key: string]: unknown;
  type: 'object';
  properties: Record<string, unknown>;
  required: string[];
  additionalProperties: false;
}

export const WEATHER_TOOL: { name: string; description: string; parameters: ObjectSchema } = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

export const WEATHER_ARGS = { city: 'Paris' } as const;

export const WEATHER_RESULT = '{"temp_c":21,"sky":"clear"}';

export const ANSWER_SCHEMA: { name: string; schema: ObjectSchema } = {
  name: 'city_answer',
  schema: {
    type: 'object',
    properties: { city: { type: 'string' }, population: { type: 'integer' }, coastal: { type: 'boolean' } },
    required: ['city', 'population', 'coastal'],
    additionalProperties: false,
  },
};

/** A 1×1 transparent PNG. */
export const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The scripted prompt of each feature: `[emulate:…]` directives tell the emulator what to answer. */
export const PROMPTS = {
  text: 'Say hello in one sentence. [emulate:text]',
  tool: `What is the weather in Paris? [emulate:tool_call name=get_weather args=${JSON.stringify(WEATHER_ARGS)}]`,
  json: 'Describe Marseille as JSON. [emulate:json]',
  image: 'What is in this picture? [emulate:text]',
  reasoning: 'Think about 17*23 before answering. [emulate:reasoning]',
} as const;

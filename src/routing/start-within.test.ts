import { describe, expect, it } from 'vitest';
import type { FlexError } from '../errors/catalog.js';
import { parseStartWithin } from './start-within.js';

function code(value: unknown): string {
  try {
    parseStartWithin(value);
    return 'ok';
  } catch (err) {
    return (err as FlexError).code;
  }
}

describe('start_within', () => {
  it('maps the words to tiers', () => {
    expect(parseStartWithin('default')).toMatchObject({ kind: 'tier', tier: 'standard' });
    expect(parseStartWithin('priority')).toMatchObject({ kind: 'tier', tier: 'priority' });
    expect(parseStartWithin('auto')).toMatchObject({ kind: 'tier', tier: 'auto' });
  });

  it('parses durations, bounds inclusive', () => {
    expect(parseStartWithin('00h-00m-05s')).toMatchObject({ kind: 'flex', windowMs: 5_000 });
    expect(parseStartWithin('00h-00m-30s')).toMatchObject({ kind: 'flex', windowMs: 30_000 });
    expect(parseStartWithin('00h-10m-00s')).toMatchObject({ kind: 'flex', windowMs: 600_000 });
  });

  it('refuses absence, wrong types, grammar and range with the right code and param', () => {
    expect(code(undefined)).toBe('missing_start_within');
    expect(code(null)).toBe('missing_start_within');
    for (const bad of [30, true, ['default'], 'Default', 'soon', '0h-0m-30s', '00h-00m-30', '00h-60m-00s', '00h-00m-60s', '00h-00m-04s', '00h-10m-01s', '01h-00m-00s', ' 00h-00m-30s']) {
      expect(code(bad), JSON.stringify(bad)).toBe('invalid_start_within');
    }
    try {
      parseStartWithin('00h-75m-00s');
    } catch (err) {
      expect((err as FlexError).param).toBe('start_within');
      expect((err as FlexError).message).toMatch(/00-59/);
      expect((err as FlexError).message).toMatch(/00h-00m-30s/);
    }
  });
});

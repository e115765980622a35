import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults the built-in emulator to the calm profile', () => {
    expect(loadConfig({}).emulator).toEqual({ profile: 'calm', seed: 1, timeScale: 1 });
  });

  it('takes a named emulator profile and time scale from the environment', () => {
    const config = loadConfig({ FLEX_EMULATOR_PROFILE: 'slow-flex', FLEX_EMULATOR_TIME_SCALE: '0.5' });
    expect(config.emulator).toMatchObject({ profile: 'slow-flex', timeScale: 0.5 });
  });

  it('refuses a non-numeric time scale, naming the variable', () => {
    expect(() => loadConfig({ FLEX_EMULATOR_TIME_SCALE: 'fast' })).toThrow(/FLEX_EMULATOR_TIME_SCALE/);
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startGateway } from './bootstrap.js';

describe('startGateway', () => {
  it('refuses an unknown emulator profile, naming the variable, before opening anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flex-bootstrap-'));
    try {
      const config = loadConfig({ FLEX_EMULATOR_PROFILE: 'bogus', FLEX_DB: join(dir, 'gateway.db'), PORT: '0' });
      await expect(startGateway({ config })).rejects.toThrow(/FLEX_EMULATOR_PROFILE must be one of .*calm.*"bogus"/);
      expect(existsSync(join(dir, 'gateway.db'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

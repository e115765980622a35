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

describe('loadConfig: trusted proxies and base URLs', () => {
  it('reads FLEX_TRUST_PROXY as off, the loopback/private preset, or a list of addresses and CIDRs', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ FLEX_TRUST_PROXY: '0' }).trustedProxies).toEqual([]);
    expect(loadConfig({ FLEX_TRUST_PROXY: '1' }).trustedProxies).toEqual(expect.arrayContaining(['127.0.0.0/8', '10.0.0.0/8', 'fc00::/7']));
    expect(loadConfig({ FLEX_TRUST_PROXY: '192.0.2.7, 2001:db8::/32,loopback' }).trustedProxies).toEqual(['192.0.2.7', '2001:db8::/32', '127.0.0.0/8', '::1/128']);
  });

  it('refuses an entry that is not an address or CIDR, naming the variable', () => {
    expect(() => loadConfig({ FLEX_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/FLEX_TRUST_PROXY .*"10.0.0.0\/33"/);
    expect(() => loadConfig({ FLEX_TRUST_PROXY: 'lb.internal' })).toThrow(/FLEX_TRUST_PROXY/);
  });

  it('refuses a provider base URL it could not call, naming the variable', () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: 'api.openai.com/v1' })).toThrow(/OPENAI_BASE_URL must be an http:\/\/ or https:\/\/ URL.*"api.openai.com\/v1"/);
    expect(() => loadConfig({ GEMINI_BASE_URL: 'ftp://example.com' })).toThrow(/GEMINI_BASE_URL/);
    expect(() => loadConfig({ ANTHROPIC_BASE_URL: 'http://' })).toThrow(/ANTHROPIC_BASE_URL/);
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' }).openai.baseUrl).toBe('http://127.0.0.1:9/v1');
  });
});

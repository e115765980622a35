import { describe, expect, it } from 'vitest';
import { FlexError, upstreamError } from './catalog.js';
import { redactValues, withoutSecrets } from './redact.js';

describe('redacting provider keys by value', () => {
  it('removes every occurrence of each secret, whatever its format', () => {
    expect(redactValues('key corp/vault:Q1w2E3r4 rejected; corp/vault:Q1w2E3r4 again', ['corp/vault:Q1w2E3r4'])).toBe('key [redacted] rejected; [redacted] again');
  });

  it('leaves values too short to be keys alone', () => {
    expect(redactValues('a key k', ['k'])).toBe('a key k');
  });

  it('returns the same error when no secret occurs, a copy with the same code and status otherwise', () => {
    const clean = new FlexError('upstream_timeout');
    expect(withoutSecrets(clean, ['secret-value-1'])).toBe(clean);
    const leaky = upstreamError({ provider: 'openai', status: 401, providerCode: 'invalid_api_key', message: 'Incorrect API key provided: my-key-123456.' });
    const copy = withoutSecrets(leaky, ['my-key-123456']);
    expect(copy).toBeInstanceOf(FlexError);
    expect(copy).toMatchObject({ code: 'upstream_error', status: 401, message: 'Incorrect API key provided: [redacted].' });
    expect(copy.upstream).toMatchObject({ providerCode: 'invalid_api_key', message: 'Incorrect API key provided: [redacted].' });
    expect(copy.stack).not.toContain('my-key-123456');
    expect(leaky.message).toContain('my-key-123456');
  });
});

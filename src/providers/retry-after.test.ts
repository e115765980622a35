import { describe, expect, it } from 'vitest';
import { fixtureJson, fixtureText } from '../test-support/fixtures.js';
import { retryAfterFromGoogleBody, retryAfterFromHeaders } from './retry-after.js';

describe('Retry-After', () => {
  it('reads retry-after-ms first, then seconds, then an HTTP date', () => {
    expect(retryAfterFromHeaders({ 'retry-after-ms': '1500', 'retry-after': '9' })).toBe(1_500);
    expect(retryAfterFromHeaders({ 'retry-after': '2' })).toBe(2_000);
    expect(retryAfterFromHeaders({ 'retry-after': '0.5' })).toBe(500);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(retryAfterFromHeaders({ 'retry-after': 'Wed, 21 Oct 2026 07:28:03 GMT' }, now)).toBe(3_000);
    expect(retryAfterFromHeaders({ 'retry-after': 'Wed, 21 Oct 2026 07:27:00 GMT' }, now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterFromHeaders({})).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after': '-3' })).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after-ms': 'x', 'retry-after': '1' })).toBe(1_000);
  });

  it("reads google.rpc.RetryInfo from a recorded Gemini 429 body", () => {
    const body = fixtureJson('gemini/google-429-retry-info.json');
    expect(retryAfterFromGoogleBody(body)).toBe(34_400);
    expect(retryAfterFromGoogleBody({ error: { code: 503, status: 'UNAVAILABLE', message: 'x' } })).toBeUndefined();
    expect(retryAfterFromGoogleBody('not json')).toBeUndefined();
  });
});

describe('provider errors carry the wait', () => {
  it('OpenAI keeps the header wait; Gemini falls back to the body RetryInfo', async () => {
    const { openaiHttpError: openai } = await import('./openai/map-error.js');
    const { geminiHttpError: gemini } = await import('./gemini/map-error.js');
    expect(openai(429, '{"error":{"message":"busy","code":"resource_unavailable"}}', 1_500).upstream?.retryAfterMs).toBe(1_500);
    expect(openai(429, '{}').upstream?.retryAfterMs).toBeUndefined();
    const body = fixtureText('gemini/google-429-retry-info.json');
    expect(gemini(429, body).upstream?.retryAfterMs).toBe(34_400);
    expect(gemini(429, body, 2_000).upstream?.retryAfterMs).toBe(2_000);
  });
});

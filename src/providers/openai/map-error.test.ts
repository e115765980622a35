import { describe, expect, it } from 'vitest';
import { openaiHttpError, statusForCode, openaiStreamError } from './map-error.js';
import { readCassette, readFixture } from './test-support/fixtures.js';

describe('openaiHttpError', () => {
  it('keeps status, code, type and message of the recorded quota error', () => {
    const err = openaiHttpError(429, readFixture('openai-responses/openai-error.1.json'));
    expect(err.status).toBe(429);
    expect(err.code).toBe('upstream_error');
    expect(err.message).toMatch(/^You exceeded your current quota/);
    expect(err.upstream).toEqual({
      provider: 'openai',
      status: 429,
      providerCode: 'insufficient_quota',
      providerType: 'insufficient_quota',
      message: err.message,
    });
  });

  it('keeps the recorded 400 with its code', () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_model_http_error.yaml');
    const err = openaiHttpError(interaction!.status, JSON.stringify(interaction!.parsedBody));
    expect(err.status).toBe(400);
    expect(err.upstream?.providerCode).toBe('decimal_below_min_value');
    expect(err.upstream?.providerType).toBe('invalid_request_error');
    expect(err.message).toBe("Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.");
  });

  it('falls back to the type when there is no code, and tolerates empty or non-JSON bodies', () => {
    expect(openaiHttpError(500, '{"error":{"message":"oops","type":"server_error","code":null}}').upstream?.providerCode).toBe('server_error');
    expect(openaiHttpError(502, '').message).toBe('OpenAI answered HTTP 502 with an empty body.');
    expect(openaiHttpError(503, '<html>Service Unavailable</html>').message).toBe('OpenAI answered HTTP 503: <html>Service Unavailable</html>');
    expect(openaiHttpError(504, 'x'.repeat(1000)).message.length).toBeLessThan(400);
    expect(openaiHttpError(504, '').code).toBe('upstream_timeout');
  });

  it('never echoes a key the provider quoted back', () => {
    const err = openaiHttpError(401, '{"error":{"message":"Incorrect API key provided: sk-proj-abcdefghijklmnop1234","type":"invalid_request_error","code":"invalid_api_key"}}');
    expect(err.message).not.toContain('abcdefghijklmnop1234');
  });
});

describe('openaiStreamError', () => {
  it('reads nested, flat and response.failed errors', () => {
    expect(openaiStreamError({ type: 'error', error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'quota' } })).toMatchObject({ status: 429, message: 'quota' });
    expect(openaiStreamError({ type: 'error', code: 'server_error', message: 'boom' })).toMatchObject({ status: 500, message: 'boom' });
    expect(openaiStreamError({ type: 'response.failed', response: { error: null } }).message).toMatch(/without an error message/);
  });

  it('derives statuses from codes', () => {
    expect(statusForCode('resource_unavailable')).toBe(429);
    expect(statusForCode('server_is_overloaded')).toBe(503);
    expect(statusForCode('invalid_image_url')).toBe(400);
    expect(statusForCode('model_not_found')).toBe(404);
    expect(statusForCode('whatever')).toBe(500);
  });
});

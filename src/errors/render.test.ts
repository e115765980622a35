import { describe, expect, it } from 'vitest';
import { FlexError, upstreamError } from './catalog.js';
import { googleErrorBody } from './render.js';

describe('Google envelope status names', () => {
  it("keeps Gemini's own google.rpc name", () => {
    const err = upstreamError({ provider: 'gemini', status: 429, providerCode: 'RESOURCE_EXHAUSTED', message: 'busy' });
    expect(googleErrorBody(err).error).toMatchObject({ code: 429, message: 'busy', status: 'RESOURCE_EXHAUSTED' });
  });

  it('replaces a provider code that is not a google.rpc name by the name for the HTTP status', () => {
    const failed = upstreamError({ provider: 'gemini', status: 502, providerCode: 'failed', message: 'x' });
    expect(googleErrorBody(failed).error.status).toBe('UNAVAILABLE');
    const openai = upstreamError({ provider: 'openai', status: 429, providerCode: 'resource_unavailable', message: 'x' });
    expect(googleErrorBody(openai).error.status).toBe('RESOURCE_EXHAUSTED');
  });

  it('names every status FlexInference answers with a google.rpc name', () => {
    const valid = ['CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
    for (const status of [400, 401, 402, 403, 404, 405, 408, 409, 413, 422, 429, 500, 501, 502, 503, 504, 529]) {
      expect(valid).toContain(googleErrorBody(new FlexError('upstream_error', { status })).error.status);
    }
  });
});

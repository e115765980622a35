import { describe, expect, it } from 'vitest';
import { anthropicStreamError } from './map-error.js';

describe('anthropicStreamError', () => {
  it('takes the status from the error type, and 502 for a type it does not know (an Object member included)', () => {
    expect(anthropicStreamError({ type: 'overloaded_error', message: 'busy' }).status).toBe(529);
    expect(anthropicStreamError({ type: 'rate_limit_error', message: 'slow down' }).status).toBe(429);
    for (const type of ['mystery_error', 'constructor', 'toString', '__proto__']) {
      expect(anthropicStreamError({ type, message: 'odd' }).status).toBe(502);
    }
    expect(anthropicStreamError(undefined).status).toBe(502);
  });
});

// Errors are readable by code on every surface (docs/product.md §7), and every message can be
// shown as is: it names the field and shows an example fix.
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, FlexError, upstreamError } from './catalog.js';
import { renderAnthropicError, renderGoogleError, renderOpenAIError } from './render.js';

describe('the error catalog', () => {
  it.each(ERROR_CODES)('%s shows an example and never points at `param`', (code) => {
    expect(ERROR_CATALOG[code]).toHaveProperty('example');
    const message = new FlexError(code).message;
    expect(message).toContain('Example: ');
    expect(message).not.toMatch(/named in `param`/);
  });

  it('missing_start_within shows the Python extra_body as well as the Node extra property', () => {
    const message = new FlexError('missing_start_within').message;
    expect(message).toContain('extra_body={"start_within": "00h-00m-30s"}');
    expect(message).toContain('extra property');
  });

  it('a caller-given example replaces the catalog one', () => {
    expect(new FlexError('missing_max_tokens', { example: '"max_output_tokens": 1024' }).message).toMatch(/Example: "max_output_tokens": 1024$/);
  });
});

describe('every envelope carries the code', () => {
  const err = new FlexError('unsupported_parameter', { param: 'tools[0].type', detail: '`tools[0].type` is not supported.' });

  it('OpenAI: code, with the header', () => {
    const rendered = renderOpenAIError(err, 'http://gw');
    expect(rendered.headers['x-flexinference-error-code']).toBe('unsupported_parameter');
    expect(rendered.body).toMatchObject({ error: { code: 'unsupported_parameter', param: 'tools[0].type' } });
  });

  it('Anthropic: error.code beside type and message', () => {
    const rendered = renderAnthropicError(err);
    expect(rendered.headers['x-flexinference-error-code']).toBe('unsupported_parameter');
    expect(rendered.body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: err.message, code: 'unsupported_parameter' } });
  });

  it('Google: an ErrorInfo detail with the code as reason and the field in metadata', () => {
    const rendered = renderGoogleError(err);
    expect(rendered.headers['x-flexinference-error-code']).toBe('unsupported_parameter');
    expect(rendered.body).toEqual({
      error: {
        code: 400,
        message: err.message,
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'UNSUPPORTED_PARAMETER',
            domain: 'flexinference',
            metadata: { param: 'tools[0].type' },
          },
        ],
      },
    });
  });

  it('provider errors keep the provider code beside ours', () => {
    const upstream = upstreamError({ provider: 'openai', status: 429, providerCode: 'rate_limit_exceeded', message: 'Slow down' });
    expect(renderAnthropicError(upstream).body).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(renderGoogleError(upstream).body).toMatchObject({
      error: { details: [{ reason: 'UPSTREAM_ERROR', metadata: { provider_code: 'rate_limit_exceeded' } }] },
    });
    expect(renderOpenAIError(upstream, 'http://gw').headers['x-flexinference-error-code']).toBe('upstream_error');
  });
});

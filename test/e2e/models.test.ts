// GET /v1/models/{id}: the official `openai` SDK's models.retrieve against the real gateway.
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { useOpenAIHarness } from './harness.js';

const gw = useOpenAIHarness();

describe('models.retrieve', () => {
  it('answers a catalogued model in the shape of the list', async () => {
    const model = await gw.client.models.retrieve('gemini-2.5-flash');
    expect(model).toMatchObject({ id: 'gemini-2.5-flash', object: 'model', owned_by: 'gemini', provider: 'gemini', flex_capable: true });
    const listed = (await gw.client.models.list()).data.find((m) => m.id === 'gemini-2.5-flash');
    expect(model).toEqual(listed);
  });

  it('answers an unknown model with 404 not_found in the OpenAI envelope', async () => {
    const err: unknown = await gw.client.models.retrieve('no-such-model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const apiErr = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(apiErr.code).toBe('not_found');
    expect(apiErr.message).toContain('no-such-model');
    expect(apiErr.headers?.get('x-flexinference-error-code')).toBe('not_found');
  });
});

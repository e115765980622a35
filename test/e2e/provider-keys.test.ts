// Which upstream a request reaches: the organization's own key goes to the real endpoint even when
// the deployment has no key for that provider (and would otherwise use the built-in emulator).
import { describe, expect, it } from 'vitest';
import { FakeProvider, happyScript } from '../../src/test-support/fake-provider.js';
import { resolveMasterKey } from '../../src/server/provider-keys.js';
import { seal } from '../../src/store/secrets.js';
import { post, startHarness } from './harness.js';

describe('provider key resolution', () => {
  it('org key → real endpoint; no key on an emulated provider → built-in emulator', async () => {
    const real = new FakeProvider({ standard: happyScript('standard') });
    // No OPENAI_API_KEY and no OPENAI_BASE_URL: the gateway emulates OpenAI.
    const h = await startHarness({ env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }, gateway: { providers: { openai: real } } });
    try {
      expect(h.gateway.deps.config.openai.emulated).toBe(true);
      const send = () => post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: 'hi', start_within: 'default' }), { authorization: `Bearer ${h.key}` });
      expect((await send()).status).toBe(200);
      expect(real.calls).toHaveLength(0);
      const org = (await h.gateway.deps.store.findOrganization('e2e'))!;
      await h.gateway.deps.store.setProviderKey(org.id, 'openai', seal('sk-org-own-key', resolveMasterKey(h.gateway.deps.config)));
      expect((await send()).status).toBe(200);
      expect(real.calls).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

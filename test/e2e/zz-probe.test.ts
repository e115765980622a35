import { afterAll, beforeAll, it } from 'vitest';
import type { Harness } from './harness.js';
import { post, startHarness } from './harness.js';
let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.close(); });
it('probe', async () => {
  const m = (b: unknown, hd: Record<string,string> = { authorization: 'Bearer ' + h.key }) => post(h.url + '/v1/messages', JSON.stringify(b), hd).then((r) => console.log(r.status, r.text));
  await m({ model: 'gpt-5-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], start_within: 'default' }, { authorization: 'Bearer flex_live_nope' });
  await m({ model: 'gpt-5-mini', start_within: 'nope' });
  await m({ model: 'gpt-5-mini', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'hologram' }] }], start_within: 'default' });
  await post(h.url + '/v1/interactions', JSON.stringify({ model: 'gpt-5-mini', input: 'hi', tools: [{ type: 'google_search' }], start_within: 'default' }), { authorization: 'Bearer ' + h.key }).then((r) => console.log(r.status, r.text));
});

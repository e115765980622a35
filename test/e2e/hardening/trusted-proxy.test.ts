// The failed-authentication block behind a load balancer, attacked as a client would: the client
// writes the left-most X-Forwarded-For hop itself, the trusted proxy appends the address it saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { post, startHarness } from '../harness.js';

const body = JSON.stringify({ model: 'gpt-5-mini', input: 'hi', start_within: 'default' });
const ATTACKER = '203.0.113.66';
const VICTIM = '198.51.100.7';

describe('behind a trusted proxy (the tests connect from 127.0.0.1, the proxy)', () => {
  let h: Harness;
  /** What the proxy forwards: the client's own header (if any), then the address it saw. */
  const through = (seen: string, auth: string, written?: string) =>
    post(`${h.url}/v1/responses`, body, { authorization: auth, 'x-forwarded-for': written === undefined ? seen : `${written}, ${seen}` });

  beforeAll(async () => {
    h = await startHarness({ env: { FLEX_AUTH_FAILURES_PER_MINUTE: '3', FLEX_TRUST_PROXY: '127.0.0.1,10.0.0.0/8' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('rotating the left-most hop does not sidestep the failed-authentication block', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await through(ATTACKER, 'Bearer wrong', `192.0.2.${i + 1}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // Still blocked with a fresh forged hop and a valid key: the block follows the real address.
    expect((await through(ATTACKER, `Bearer ${h.key}`, '192.0.2.99')).status).toBe(429);
  });

  it("writing a victim's address as the left-most hop does not get the victim blocked", async () => {
    for (let i = 0; i < 6; i++) await through('203.0.113.67', 'Bearer wrong', VICTIM);
    expect((await through('203.0.113.67', `Bearer ${h.key}`)).status).toBe(429);
    const victim = await through(VICTIM, `Bearer ${h.key}`);
    expect(victim.status).toBe(200);
  });

  it('a chain of trusted proxies is skipped from the right', async () => {
    for (let i = 0; i < 3; i++) await post(`${h.url}/v1/responses`, body, { authorization: 'Bearer wrong', 'x-forwarded-for': `1.1.1.1, 203.0.113.80, 10.0.0.9` });
    const blocked = await post(`${h.url}/v1/responses`, body, { authorization: `Bearer ${h.key}`, 'x-forwarded-for': `9.9.9.9, 203.0.113.80, 10.0.0.9` });
    expect(blocked.status).toBe(429);
  });
});

describe('with no trusted proxy in front', () => {
  it('X-Forwarded-For is ignored: a direct client cannot rotate its way out of the block', async () => {
    // The configured proxy is elsewhere; the tests' own address is not trusted.
    const h = await startHarness({ env: { FLEX_AUTH_FAILURES_PER_MINUTE: '2', FLEX_TRUST_PROXY: '10.0.0.1' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await post(`${h.url}/v1/responses`, body, { authorization: 'Bearer wrong', 'x-forwarded-for': `192.0.2.${i + 1}` })).status);
      }
      expect(statuses).toEqual([401, 401, 429, 429]);
    } finally {
      await h.close();
    }
  });
});

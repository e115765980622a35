// Requests still running when the shutdown grace period ends get an answer in their own dialect.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { post, startHarness } from './harness.js';

describe('shutdown past the grace period', () => {
  it('a waiting non-streamed request gets 503 upstream_unavailable; a committed stream ends with an error event', async () => {
    const h = await startHarness();
    const headers = { authorization: `Bearer ${h.key}` };
    const slow = (stream: boolean) =>
      post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: 'slow [emulate:delay=20000]', start_within: 'default', stream }), headers);
    const waiting = slow(false);
    const streaming = slow(true);
    await expect.poll(() => h.emulator.requests.length).toBe(2);
    await h.gateway.stop(300);
    const [json, sse] = await Promise.all([waiting, streaming]);
    expect(json.status).toBe(503);
    expect(json.headers.get('retry-after')).toBe('5');
    expect((json.json as { error: { message: string; doc_url: string } }).error).toMatchObject({ doc_url: expect.stringMatching(/#upstream_unavailable$/) });
    expect((json.json as { error: { message: string } }).error.message).toMatch(/shutting down/);
    expect(sse.status).toBe(200);
    expect(sse.text).toMatch(/event: error/);
    expect(sse.text).toMatch(/shutting down/);
    expect(sse.text).not.toMatch(/response\.completed/);
    const store = openSqliteStore(h.gateway.deps.config.dbPath);
    expect((await store.queryUsage({})).map((r) => [r.status, r.errorCode])).toEqual([
      ['failed', 'upstream_unavailable'],
      ['failed', 'upstream_unavailable'],
    ]);
    await store.close();
    await h.emulator.close();
    rmSync(h.dir, { recursive: true, force: true }); // the gateway is stopped already
  });
});

describe('shutdown drain', () => {
  it('answers /readyz with 503 while still serving during the drain delay', async () => {
    const h = await startHarness({ env: { FLEX_SHUTDOWN_DRAIN_MS: '400' } });
    try {
      expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
      const stopping = h.gateway.stop(1_000);
      await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${h.url}/readyz`)).status).toBe(503);
      const res = await post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: 'hi', start_within: 'default' }), { authorization: `Bearer ${h.key}` });
      expect(res.status).toBe(200);
      await stopping;
      await expect(fetch(`${h.url}/readyz`)).rejects.toThrow();
    } finally {
      await h.emulator.close();
      rmSync(h.dir, { recursive: true, force: true });
    }
  });
});

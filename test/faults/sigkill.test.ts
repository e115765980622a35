// SIGKILL mid-traffic on all four surfaces: the real `serve` process is killed with requests
// answered, streams open and calls waiting; after a restart every request has exactly one ledger
// row — answered ones completed, cut-off ones interrupted — on every surface.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../src/bench/processes.js';
import { startEmulator } from '../../src/emulator/index.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { SurfaceName } from './callers.js';
import { SURFACES, callerRequest } from './callers.js';

const dir = mkdtempSync(join(tmpdir(), 'flexinf-sigkill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Which provider and tier each surface's requests take (every provider appears). */
const ROUTES: Record<SurfaceName, { model: string; startWithin: string }> = {
  responses: { model: 'gpt-5-mini', startWithin: '00h-00m-30s' },
  chat: { model: 'gemini-2.5-flash', startWithin: 'default' },
  messages: { model: 'claude-sonnet-4-5', startWithin: 'default' },
  interactions: { model: 'gemini-2.5-flash', startWithin: '00h-00m-30s' },
};

describe('flexinference serve, killed hard with traffic on every surface', () => {
  it('loses no row: answered requests completed, open streams and waiting calls interrupted, per surface', async () => {
    const emulator = await startEmulator({ port: 0, profile: 'instant' });
    const db = join(dir, 'killed.db');
    const serverEnv = {
      FLEX_DB: db, FLEX_MASTER_KEY: 'sigkill-test', LOG_LEVEL: 'warn',
      OPENAI_BASE_URL: `${emulator.url}/v1`, OPENAI_API_KEY: 'k-openai',
      GEMINI_BASE_URL: emulator.url, GEMINI_API_KEY: 'k-gemini',
      ANTHROPIC_BASE_URL: emulator.url, ANTHROPIC_API_KEY: 'k-anthropic',
    };
    const server = await spawnCli(['serve', '--port', '0'], serverEnv);
    const cutOff = new AbortController();
    try {
      const key = /(flex_live_[0-9a-f]{30})/.exec(server.output())?.[1];
      const post = (surface: SurfaceName, text: string, stream: boolean, signal?: AbortSignal) => {
        const request = callerRequest(surface, { ...ROUTES[surface], text, stream });
        return fetch(`${server.url}${request.path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(request.body),
          ...(signal ? { signal } : {}),
        });
      };
      const answeredIds = new Map<SurfaceName, string>();
      for (const [i, surface] of SURFACES.entries()) {
        const res = await post(surface, `answer me ${i}`, i % 2 === 1);
        expect(res.status).toBe(200);
        await res.text();
        answeredIds.set(surface, res.headers.get('x-request-id') ?? '');
      }
      // Per surface: a stream that started and then waits, and a non-streamed call that waits.
      const pending: Array<Promise<unknown>> = [];
      for (const surface of SURFACES) {
        const streamed = post(surface, 'stream then wait [emulate:delay=20000]', true, cutOff.signal);
        pending.push(streamed.then((res) => res.body?.getReader().read()).catch(() => undefined));
        pending.push(post(surface, 'wait [emulate:delay=20000]', false, cutOff.signal).catch(() => undefined));
      }
      // Every request has reached the provider (the answered four, and eight waiting).
      while (emulator.requests.length < 12) await new Promise((r) => setTimeout(r, 10));
      const exited = new Promise((resolve) => server.process.once('exit', resolve));
      server.process.kill('SIGKILL'); // no flush, no exit handler
      await exited;
      cutOff.abort();
      await Promise.all(pending);

      const restarted = await spawnCli(['serve', '--port', '0'], serverEnv);
      await restarted.stop();
      const store = openSqliteStore(db);
      try {
        const rows = await store.queryUsage({});
        expect(rows).toHaveLength(12);
        for (const surface of SURFACES) {
          const mine = rows.filter((r) => r.surface === surface);
          const answered = mine.find((r) => r.requestId === answeredIds.get(surface));
          expect(answered, surface).toMatchObject({ status: 'completed', errorCode: null });
          expect(answered?.outputTokens).toBeGreaterThan(0);
          expect(mine.filter((r) => r !== answered).map((r) => r.status), surface).toEqual(['interrupted', 'interrupted']);
        }
      } finally {
        await store.close();
      }
    } finally {
      cutOff.abort();
      await server.stop();
      await emulator.close();
    }
  }, 60_000);
});

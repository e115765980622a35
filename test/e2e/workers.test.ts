// `serve --workers 2` as an operator runs it: one port, two gateway processes sharing the
// organization's rate limit, the metrics and the ledger, and a graceful SIGTERM.
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../../src/bench/processes.js';
import { startEmulator } from '../../src/emulator/index.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'flexinf-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One request on a connection of its own, so the cluster hands it to the next worker in turn. */
function post(url: string, key: string, body: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/responses`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('flexinference serve --workers 2', () => {
  it('serves from two processes on one port; the rate limit, metrics and ledger are shared; SIGTERM exits cleanly', async () => {
    const emulator = await startEmulator({ port: 0, profile: 'instant' });
    const db = join(dir, 'workers.db');
    // FLEX_ORG_RPS=1 allows 5 requests per 5-second window to the organization, whatever worker serves them.
    const env = { FLEX_DB: db, FLEX_MASTER_KEY: 'workers-test', OPENAI_BASE_URL: `${emulator.url}/v1`, OPENAI_API_KEY: 'k', LOG_LEVEL: 'warn', FLEX_ORG_RPS: '1' };
    const server = await spawnCli(['serve', '--port', '0', '--workers', '2'], env, 40_000);
    try {
      const key = /(flex_live_[0-9a-f]{30})/.exec(server.output())?.[1] ?? '';
      expect(key).not.toBe('');
      // Both workers keep their own crash journal next to the database: two gateway processes.
      expect(readdirSync(dir).filter((f) => f.startsWith('workers.db-ledger-') && f.endsWith('.jsonl'))).toHaveLength(2);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const { status } = await post(server.url, key, { model: 'gpt-5-mini', input: `hello ${i}`, start_within: 'default' });
        statuses.push(status);
        await new Promise((r) => setTimeout(r, 40)); // longer than the workers' relay interval
      }
      // Alone, each worker would admit 5 of its 6: shared, the organization gets 5 in all.
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      const metrics = await new Promise<string>((resolve, reject) => {
        request(`${server.url}/metrics`, { agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      // Any worker answers with the sum over both.
      const served = /flexinference_requests_total\{[^}]*status="completed"\} (\d+)/.exec(metrics)?.[1];
      expect(Number(served)).toBe(5);
      const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
      server.process.kill('SIGTERM');
      expect(await exited).toBe(0);
      const store = openSqliteStore(db);
      try {
        expect((await store.queryUsage({})).filter((r) => r.status === 'completed')).toHaveLength(5);
      } finally {
        await store.close();
      }
      expect(readdirSync(dir).filter((f) => f.includes('-ledger-'))).toEqual([]);
    } finally {
      await server.stop();
      await emulator.close();
    }
  }, 90_000);
});

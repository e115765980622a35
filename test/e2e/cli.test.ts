// The command line as an operator uses it: keys, first start, and a graceful SIGTERM.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { spawnCli } from '../../src/bench/processes.js';
import { startEmulator } from '../../src/emulator/index.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/flexinference.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flexinf-cli-'));
const env = { ...process.env, FLEX_DB: join(dir, 'cli.db'), FLEX_MASTER_KEY: 'cli-test' };
const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { env });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flexinference keys', () => {
  it('create prints the key alone on its last line; list shows only a prefix; revoke works', async () => {
    const created = await cli('keys', 'create', '--org', 'acme', '--name', 'ci');
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^flex_live_[0-9a-f]{30}$/);
    const listed = await cli('keys', 'list', '--org', 'acme');
    expect(listed.stdout).toContain(key.slice(0, 16));
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).toMatch(/active/);
    await cli('keys', 'revoke', key.slice(0, 16));
    expect((await cli('keys', 'list')).stdout).toMatch(/revoked/);
  });

  it('provider-keys set stores the key sealed', async () => {
    const out = await run(process.execPath, [BIN, 'provider-keys', 'set', '--org', 'acme', '--provider', 'openai', '--key', 'sk-test-secret-123456'], { env });
    expect(out.stdout).toMatch(/encrypted at rest/);
    expect(out.stdout).not.toContain('sk-test-secret');
  });
});

describe('flexinference management verbs', () => {
  it('orgs create, rename, list, delete; keys with settings; provider-keys list and delete', async () => {
    expect((await cli('orgs', 'create', 'cli-org')).stdout).toMatch(/Created organization "cli-org" \(org_/);
    const dup = await cli('orgs', 'create', 'cli-org').then(() => '', (err: { stderr: string }) => err.stderr);
    expect(dup).toMatch(/exists/);
    await cli('orgs', 'rename', 'cli-org', 'cli-org-2');
    expect((await cli('orgs', 'list')).stdout).toMatch(/org_\w+ {2}cli-org-2 {2}created/);

    const created = await cli('keys', 'create', '--org', 'cli-org-2', '--default-start-within', '00h-00m-30s', '--budget', '12.5', '--allowed-models', 'gpt-5-mini,gpt-5-nano');
    expect(created.stdout).toMatch(/default_start_within=00h-00m-30s allowed_models=gpt-5-mini,gpt-5-nano budget=\$12\.5\/month/);
    const keyId = /Created key (key_\w+)/.exec(created.stdout)![1]!;
    expect((await cli('keys', 'settings', keyId, '--rpm', '60', '--budget', 'none')).stdout).toMatch(
      new RegExp(`${keyId} {2}default_start_within=00h-00m-30s allowed_models=gpt-5-mini,gpt-5-nano rpm=60$`, 'm'),
    );
    expect((await cli('keys', 'list', '--org', 'cli-org-2')).stdout).toMatch(/active .* rpm=60/);
    const badSetting = await cli('keys', 'settings', keyId, '--rpm', 'lots').then(() => '', (err: { stderr: string }) => err.stderr);
    expect(badSetting).toMatch(/settings\.requests_per_minute` must be a positive whole number/);

    await run(process.execPath, [BIN, 'provider-keys', 'set', '--org', 'cli-org-2', '--provider', 'gemini', '--key', 'AIza-test-secret-9876'], { env });
    const listed = (await cli('provider-keys', 'list', '--org', 'cli-org-2')).stdout;
    expect(listed).toMatch(/cli-org-2 {2}gemini {2}…9876/);
    expect(listed).not.toContain('secret');
    await cli('provider-keys', 'delete', '--org', 'cli-org-2', '--provider', 'gemini');
    expect((await cli('provider-keys', 'list', '--org', 'cli-org-2')).stdout).toBe('');

    expect((await cli('orgs', 'delete', 'cli-org-2')).stdout).toMatch(/Deleted organization/);
    expect((await cli('keys', 'list')).stdout).not.toContain(keyId);
  }, 120_000);

  it('admin-token rotate prints a token the admin API accepts', async () => {
    const token = (await cli('admin-token', 'rotate')).stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^flex_admin_[0-9a-f]{40}$/);
    const { openSqliteStore } = await import('../../src/store/sqlite.js');
    const { createAdminTokenCheck } = await import('../../src/admin/token.js');
    const store = openSqliteStore(join(dir, 'cli.db'));
    try {
      const check = createAdminTokenCheck(store, undefined);
      expect(await check.matches(token)).toBe(true);
      expect(await check.matches(token.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).toBe(false);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('flexinference serve', () => {
  it('first start on an empty store prints a key; SIGTERM lets an in-flight request finish and exits 0', async () => {
    const emulator = await startEmulator({ port: 0, profile: 'instant' });
    const fresh = join(dir, 'fresh.db');
    const server = await spawnCli(['serve', '--port', '0'], {
      FLEX_DB: fresh,
      FLEX_MASTER_KEY: 'cli-test',
      OPENAI_BASE_URL: `${emulator.url}/v1`,
      OPENAI_API_KEY: 'k',
      LOG_LEVEL: 'warn',
    });
    try {
      const key = /(flex_live_[0-9a-f]{30})/.exec(server.output())?.[1];
      expect(key).toBeDefined();
      // The admin token is printed once, and the admin API takes it.
      const adminToken = /(flex_admin_[0-9a-f]{40})/.exec(server.output())?.[1];
      expect(adminToken).toBeDefined();
      expect((await fetch(`${server.url}/admin/v1/organizations`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(200);
      expect(server.output()).toMatch(/BUILT-IN EMULATOR/); // gemini and anthropic have no key here
      const client = new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
      const inFlight = client.responses.create({ model: 'gpt-5-mini', input: 'slow [emulate:delay=1500]', start_within: 'default' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      await expect.poll(() => emulator.requests.length).toBe(1);
      const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
      server.process.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe('completed');
      expect(await exited).toBe(0);
    } finally {
      await server.stop();
      await emulator.close();
    }
  });
});

describe('flexinference serve, killed hard', () => {
  it('loses no row: the request answered just before the kill is completed, the cut-off ones interrupted', async () => {
    const emulator = await startEmulator({ port: 0, profile: 'instant' });
    const db = join(dir, 'killed.db');
    const serverEnv = { FLEX_DB: db, FLEX_MASTER_KEY: 'cli-test', OPENAI_BASE_URL: `${emulator.url}/v1`, OPENAI_API_KEY: 'k', LOG_LEVEL: 'warn' };
    const server = await spawnCli(['serve', '--port', '0'], serverEnv);
    const { openSqliteStore } = await import('../../src/store/sqlite.js');
    try {
      const key = /(flex_live_[0-9a-f]{30})/.exec(server.output())?.[1];
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const body = (input: string, startWithin: string): string => JSON.stringify({ model: 'gpt-5-mini', input, start_within: startWithin });
      const cutOff = new AbortController();
      const running = fetch(`${server.url}/v1/responses`, { method: 'POST', headers, signal: cutOff.signal, body: body('slow [emulate:delay=5000]', 'default') }).catch(() => undefined);
      const answered = await fetch(`${server.url}/v1/responses`, { method: 'POST', headers, body: body('quick', '00h-00m-30s') });
      expect(answered.status).toBe(200);
      await answered.text();
      // Started a moment ago, so its opening row may not be committed yet either.
      const justStarted = fetch(`${server.url}/v1/responses`, { method: 'POST', headers, signal: cutOff.signal, body: body('late [emulate:delay=5000]', 'default') }).catch(() => undefined);
      // Kill as soon as it reaches the provider: well inside the ledger's 20 ms group commit.
      while (emulator.requests.length < 3) await new Promise((r) => setImmediate(r));
      const exited = new Promise((resolve) => server.process.once('exit', resolve));
      server.process.kill('SIGKILL'); // no flush, no exit handler
      await exited;
      cutOff.abort();
      await Promise.all([running, justStarted]);

      const restarted = await spawnCli(['serve', '--port', '0'], serverEnv);
      await restarted.stop();
      const store = openSqliteStore(db);
      try {
        const rows = await store.queryUsage({});
        const answeredRow = rows.find((r) => r.requestId === answered.headers.get('x-request-id'));
        expect(answeredRow).toMatchObject({ status: 'completed', servedTier: 'flex', route: 'flex_admitted' });
        expect(answeredRow?.outputTokens).toBeGreaterThan(0);
        expect(rows.filter((r) => r !== answeredRow).map((r) => r.status)).toEqual(['interrupted', 'interrupted']);
      } finally {
        await store.close();
      }
      const left = readdirSync(dir).filter((f) => f.startsWith('killed.db-ledger-'));
      expect(left.map((f) => `${f}: ${readFileSync(join(dir, f), 'utf8')}`)).toEqual([]);
    } finally {
      await server.stop();
      await emulator.close();
    }
  });
});

describe('flexinference usage', () => {
  it('prints requests, flex share, spend and saving by model and route', async () => {
    const { openSqliteStore } = await import('../../src/store/sqlite.js');
    const store = openSqliteStore(join(dir, 'cli.db'));
    const org = await store.ensureOrganization('acme');
    const row = {
      orgId: org.id, keyId: 'k', surface: 'responses' as const, provider: 'openai' as const, model: 'gpt-5-mini',
      startWithin: '00h-00m-30s', status: 'completed' as const, errorCode: null, admissionMs: 700, firstByteMs: 710,
      durationMs: 900, inputTokens: 1000, cachedTokens: 0, outputTokens: 500, reasoningTokens: 0, createdAt: new Date().toISOString(),
      warnings: [],
    };
    await store.upsertUsage([
      { ...row, requestId: 'a', servedTier: 'flex', route: 'flex_admitted', costUsd: 0.001, standardCostUsd: 0.002, savingUsd: 0.001 },
      { ...row, requestId: 'b', servedTier: 'standard', route: 'flex_timeout', costUsd: 0.002, standardCostUsd: 0.002, savingUsd: 0 },
    ]);
    await store.close();
    const out = (await cli('usage', '--org', 'acme', '--since', '2020-01-01')).stdout;
    expect(out).toMatch(/total\s+2\s+50\.0%\s+0\.0030\s+0\.0010/);
    expect(out).toMatch(/model gpt-5-mini\s+2/);
    expect(out).toMatch(/route flex_timeout\s+1\s+0\.0%/);
  });
});

describe('flexinference mistakes', () => {
  it('revoke accepts the full key; bad --since, ports and commands say what is wrong', async () => {
    const key = (await cli('keys', 'create', '--org', 'typos')).stdout.trim().split('\n').at(-1)!;
    expect((await cli('keys', 'revoke', key)).stdout).toMatch(/Revoked 1 key/);
    const fail = (args: string[]) => cli(...args).then(() => '', (err: { stderr: string }) => err.stderr);
    expect(await fail(['usage', '--since', 'yesterday'])).toMatch(/--since must be an ISO 8601 date/);
    expect(await fail(['serve', '--port', 'abc'])).toMatch(/port must be a whole number/);
    expect(await fail(['bogus'])).toMatch(/unknown command "bogus"/);
    expect(await fail(['provider-keys', 'set', '--org', 'x', '--provider', 'azure', '--key', 'k'])).toMatch(/--provider must be openai, gemini or anthropic/);
  }, 60_000); // six command-line processes in a row
});

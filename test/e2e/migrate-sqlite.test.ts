// `flexinference migrate --from-sqlite` as an operator runs it. A gateway on SQLite serves two
// organizations (one with its own Anthropic key), a key with settings and a revoked key, and is
// stopped with SIGTERM; its file is copied into a fresh Postgres database of this run's own (dropped
// afterwards) under another master key; a gateway on Postgres then takes the same keys, refuses the
// revoked one, keeps the settings, reports the same usage and still opens the provider key, which
// Postgres holds only sealed. Running the copy again adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Child } from '../../src/bench/processes.js';
import { spawnCli } from '../../src/bench/processes.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { deriveKey, unseal } from '../../src/store/secrets.js';
import type { TestDatabase } from '../../src/test-support/services.js';
import { createTestDatabase, postgresAbsent } from '../../src/test-support/services.js';
import type { UsageGroup } from '../../src/usage/summary.js';

const absent = await postgresAbsent();
if (absent) console.warn(`skipping the SQLite-to-Postgres migration test: ${absent}`);

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/flexinference.js', import.meta.url));
const SHARED_MASTER_KEY = 'migrate-test-shared-master-key';
const PROVIDER_SECRET = 'sk-ant-migrate-test-secret-7x2Q';

let dir: string;
let db: TestDatabase;
/** Stands in for api.anthropic.com: records the key each call carries. */
let anthropic: RunningEmulator;
const started: Child[] = [];

const sqliteFile = (): string => join(dir, 'data', 'flexinference.db');

/** The same before and after the move: OpenAI and Gemini on the built-in emulator, Anthropic only with an organization's own key. */
const providerEnv = (): Record<string, string> => ({
  OPENAI_API_KEY: '', OPENAI_BASE_URL: '', GEMINI_API_KEY: '', GEMINI_BASE_URL: '',
  ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: anthropic.url,
  FLEX_EMULATOR_PROFILE: 'instant', REDIS_URL: '', FLEX_ADMIN_TOKEN: '', LOG_LEVEL: 'warn',
});
const sqliteEnv = (): Record<string, string> => ({ ...providerEnv(), FLEX_DB: sqliteFile(), DATABASE_URL: '', FLEX_MASTER_KEY: '' });
const postgresEnv = (): Record<string, string> => ({
  ...providerEnv(), FLEX_DB: join(dir, 'local', 'unused.db'), DATABASE_URL: db.url, FLEX_MASTER_KEY: SHARED_MASTER_KEY,
});

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code?: number | string; stdout?: string; stderr?: string }) => ({
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }),
  );
}

async function createKey(args: string[]): Promise<string> {
  const created = await cli(['keys', 'create', ...args], sqliteEnv());
  expect(created).toMatchObject({ code: 0 });
  return created.stdout.trim().split('\n').at(-1)!;
}

async function gateway(env: Record<string, string>): Promise<Child> {
  const child = await spawnCli(['serve', '--port', '0'], env);
  started.push(child);
  return child;
}

/** SIGTERM, as a supervisor stops it; resolves with the exit code. */
function stopGracefully(g: Child): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => g.process.once('exit', (code) => resolve(code)));
  g.process.kill('SIGTERM');
  return exited;
}

async function respond(g: Child, key: string, model: string, stream = false): Promise<{ status: number; text: string }> {
  const res = await fetch(`${g.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: 'hello', start_within: 'default', max_output_tokens: 256, stream }),
  });
  return { status: res.status, text: await res.text() };
}

async function usageTotal(g: Child, key: string): Promise<UsageGroup> {
  const res = await fetch(`${g.url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { total: UsageGroup }).total;
}

function expectSameTotals(after: UsageGroup, before: UsageGroup): void {
  const { spendUsd, standardSpendUsd, savingUsd, ...counts } = after;
  const { spendUsd: spendBefore, standardSpendUsd: standardBefore, savingUsd: savingBefore, ...countsBefore } = before;
  expect(counts).toEqual(countsBefore);
  // Summed in another order by another database: equal to far below a millionth of a cent.
  expect(spendUsd).toBeCloseTo(spendBefore, 10);
  expect(standardSpendUsd).toBeCloseTo(standardBefore, 10);
  expect(savingUsd).toBeCloseTo(savingBefore, 10);
}

async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** How many rows of any table in the database hold `text` anywhere in them. */
function rowsContaining(text: string): Promise<number> {
  return withPostgres(async (client) => {
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    let found = 0;
    for (const { table_name: table } of tables.rows) {
      const hits = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE '%' || $1 || '%'`, [text]);
      found += hits.rows[0]?.n ?? 0;
    }
    return found;
  });
}

const lastAnthropicKey = (): unknown => anthropic.requests.at(-1)?.headers['x-api-key'];

describe.skipIf(absent !== undefined)('migrate --from-sqlite: an embedded deployment moved to Postgres', () => {
  const keys = { first: '', acme: '', revoked: '', admin: '' };
  const before: { default?: UsageGroup; acme?: UsageGroup } = {};
  let usageRowsInFile = 0;
  let onPostgres: Child;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flexinf-migrate-'));
    anthropic = await startEmulator({ port: 0, host: '127.0.0.1', profile: 'instant', seed: 5 });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of started) await child.stop();
    await anthropic?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('before the move: a SQLite gateway with two organizations, a provider key, a revoked key and a ledger, stopped with SIGTERM', async () => {
    const onSqlite = await gateway(sqliteEnv());
    keys.first = /(flex_live_[0-9a-f]{30})/.exec(onSqlite.output())?.[1] ?? '';
    keys.admin = /(flex_admin_[0-9a-f]{40})/.exec(onSqlite.output())?.[1] ?? '';
    expect(keys.first).not.toBe('');
    expect(keys.admin).not.toBe('');
    keys.acme = await createKey(['--org', 'acme', '--name', 'ci', '--allowed-models', 'gpt-5-mini,claude-sonnet-4-5', '--rpm', '600']);
    keys.revoked = await createKey(['--org', 'acme', '--name', 'old laptop']);
    const stored = await cli(['provider-keys', 'set', '--org', 'acme', '--provider', 'anthropic', '--key', PROVIDER_SECRET], sqliteEnv());
    expect(stored).toMatchObject({ code: 0, stdout: expect.stringMatching(/Stored the anthropic key …7x2Q for organization "acme"/) as unknown });

    expect((await respond(onSqlite, keys.first, 'gpt-5-mini')).status).toBe(200);
    const streamed = await respond(onSqlite, keys.first, 'gpt-5-mini', true);
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('response.completed');
    expect((await respond(onSqlite, keys.first, 'gemini-2.5-flash', true)).text).toContain('response.completed');
    expect((await respond(onSqlite, keys.acme, 'gpt-5-mini')).status).toBe(200);
    expect((await respond(onSqlite, keys.acme, 'gpt-5-mini', true)).text).toContain('response.completed');
    expect((await respond(onSqlite, keys.acme, 'claude-sonnet-4-5')).status).toBe(200);
    expect(lastAnthropicKey()).toBe(PROVIDER_SECRET);
    expect((await respond(onSqlite, keys.acme, 'gpt-5-nano')).status).toBe(403); // not in its allowed models
    expect((await respond(onSqlite, keys.revoked, 'gpt-5-mini')).status).toBe(200);
    expect(await cli(['keys', 'revoke', keys.revoked], sqliteEnv())).toMatchObject({ code: 0 });
    // Within the gateway's key cache; asked on /v1/usage so that no answered request adds a row.
    const usageStatus = async (): Promise<number> => (await fetch(`${onSqlite.url}/v1/usage`, { headers: { authorization: `Bearer ${keys.revoked}` } })).status;
    await expect.poll(usageStatus, { timeout: 5_000 }).toBe(401);
    expect((await respond(onSqlite, keys.revoked, 'gpt-5-mini')).status).toBe(401);

    await expect.poll(async () => (await usageTotal(onSqlite, keys.acme)).requests).toBe(4);
    before.default = await usageTotal(onSqlite, keys.first);
    before.acme = await usageTotal(onSqlite, keys.acme);
    expect(before.default.requests).toBe(3);
    expect(before.acme.spendUsd).toBeGreaterThan(0);
    expect(await stopGracefully(onSqlite)).toBe(0);

    const file = new Database(sqliteFile(), { readonly: true });
    try {
      usageRowsInFile = file.prepare<[], { n: number }>("SELECT count(*) AS n FROM usage WHERE status = 'completed'").get()!.n;
      expect(file.prepare<[], { n: number }>('SELECT count(*) AS n FROM usage').get()!.n).toBe(usageRowsInFile);
    } finally {
      file.close();
    }
    expect(usageRowsInFile).toBe(7);
  }, 30_000);

  it('migrate copies every organization, key, provider key and usage row, under the new master key', async () => {
    const migrated = await cli(['migrate', '--from-sqlite', sqliteFile()], postgresEnv());
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toBe(
      `Schema at version ${MIGRATIONS.at(-1)?.version}. Copied from ${sqliteFile()}: 2 organization(s), 3 API key(s), 1 key setting(s), 1 provider key(s), ` +
        `${usageRowsInFile} usage row(s) and the admin token (already present ones kept).\n`,
    );
  });

  it('after the move: the same keys work, the revoked one is refused, settings and usage are kept', async () => {
    onPostgres = await gateway(postgresEnv());
    // The keys and the admin token are there: no new first key, no new admin token.
    expect(onPostgres.output()).not.toMatch(/First start|flex_live_|flex_admin_/);
    expectSameTotals(await usageTotal(onPostgres, keys.first), before.default!);
    expectSameTotals(await usageTotal(onPostgres, keys.acme), before.acme!);
    expect((await cli(['usage', '--org', 'acme'], postgresEnv())).stdout).toMatch(/^total\s+4\s/m);

    expect((await respond(onPostgres, keys.first, 'gpt-5-mini')).status).toBe(200);
    expect((await respond(onPostgres, keys.acme, 'gpt-5-mini', true)).text).toContain('response.completed');
    expect((await respond(onPostgres, keys.revoked, 'gpt-5-mini')).status).toBe(401);
    expect((await respond(onPostgres, keys.acme, 'gpt-5-nano')).status).toBe(403);
    expect((await cli(['keys', 'list', '--org', 'acme'], postgresEnv())).stdout).toMatch(/name=ci {2}active .*allowed_models=gpt-5-mini,claude-sonnet-4-5 rpm=600/);
  });

  it("after the move: the organization's provider key is listed and used, and Postgres holds it only sealed", async () => {
    const listed = await cli(['provider-keys', 'list', '--org', 'acme'], postgresEnv());
    expect(listed.stdout).toMatch(/^acme {2}anthropic {2}…7x2Q {2}updated /m);
    const viaAdmin = await fetch(`${onPostgres.url}/admin/v1/organizations/acme/provider-keys`, { headers: { authorization: `Bearer ${keys.admin}` } });
    expect(viaAdmin.status).toBe(200);
    expect(((await viaAdmin.json()) as { data: unknown[] }).data).toEqual([expect.objectContaining({ provider: 'anthropic', last_four: '7x2Q' })]);
    const calls = anthropic.requests.length;
    expect((await respond(onPostgres, keys.acme, 'claude-sonnet-4-5')).status).toBe(200);
    expect(anthropic.requests).toHaveLength(calls + 1);
    expect(lastAnthropicKey()).toBe(PROVIDER_SECRET);

    expect(await rowsContaining('acme')).toBeGreaterThan(0); // the search does find what is there
    expect(await rowsContaining(PROVIDER_SECRET)).toBe(0);
    const sealed = await withPostgres(async (client) => (await client.query<{ sealed: string }>('SELECT sealed FROM provider_keys')).rows.map((r) => r.sealed));
    expect(sealed).toHaveLength(1);
    expect(unseal(sealed[0]!, deriveKey(SHARED_MASTER_KEY))).toBe(PROVIDER_SECRET);
    const sqliteMasterKey = deriveKey(readFileSync(join(dir, 'data', 'master.key'), 'utf8').trim());
    expect(() => unseal(sealed[0]!, sqliteMasterKey)).toThrow();
  });

  it('migrate again: copies nothing, and the usage stays as it was', async () => {
    await expect.poll(async () => (await usageTotal(onPostgres, keys.acme)).requests).toBe(6);
    const acme = await usageTotal(onPostgres, keys.acme);
    const first = await usageTotal(onPostgres, keys.first);
    const again = await cli(['migrate', '--from-sqlite', sqliteFile()], postgresEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `Schema at version ${MIGRATIONS.at(-1)?.version}. Copied from ${sqliteFile()}: 0 organization(s), 0 API key(s), 0 key setting(s), 0 provider key(s), ` +
        `0 usage row(s) (already present ones kept).\n`,
    );
    expectSameTotals(await usageTotal(onPostgres, keys.acme), acme);
    expectSameTotals(await usageTotal(onPostgres, keys.first), first);
    const rows = await withPostgres(async (client) => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM usage')).rows[0]?.n);
    expect(rows).toBe(usageRowsInFile + 3);
  });
});

import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/catalog.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store, UsageRow } from '../store/store.js';
import { journalPath, openJournal, replayJournals } from './journal.js';
import type { LedgerJournal } from './journal.js';
import { Ledger } from './ledger.js';

let dir: string;
let dbPath: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexinf-journal-'));
  dbPath = join(dir, 'gateway.db');
  store = openSqliteStore(dbPath);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (requestId: string, status: string, outputTokens = 0): UsageRow => ({
  requestId, orgId: 'org', keyId: 'key', surface: 'responses', provider: 'openai', model: 'gpt-5-mini',
  startWithin: '00h-00m-30s', servedTier: status === 'completed' ? 'flex' : null, route: 'flex_admitted', status,
  errorCode: null, admissionMs: null, firstByteMs: null, durationMs: null, inputTokens: 0, cachedTokens: 0,
  outputTokens, reasoningTokens: 0, costUsd: 0, standardCostUsd: 0, savingUsd: 0, createdAt: '2026-11-26T12:00:00.000Z',
});

const bootId = (): string => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
};
/** A process id that is not running: well above the kernel's pid limit. */
const DEAD = { journal: 1 as const, host: hostname(), boot: bootId(), pid: 2 ** 30 };
const journals = (): string[] => readdirSync(dir).filter((f) => f.startsWith('gateway.db-ledger-'));

/** What a hard kill leaves: the journal's file as it was, no longer open in any process. */
function leftBehind(journal: LedgerJournal, path: string): void {
  const text = readFileSync(path, 'utf8');
  journal.close();
  writeFileSync(path, text);
}

describe('ledger crash journal', () => {
  it("replays a dead process's rows, the later row for a request winning, and removes the file", () => {
    const path = journalPath(dbPath);
    const journal = openJournal(path, DEAD);
    journal.append(row('a', 'in_progress'));
    journal.append(row('b', 'in_progress'));
    journal.append(row('a', 'completed', 42));
    leftBehind(journal, path);
    expect(replayJournals(dbPath, store)).toBe(2);
    const rows = new Map(store.queryUsage({}).map((r) => [r.requestId, r]));
    expect(rows.get('a')).toMatchObject({ status: 'completed', outputTokens: 42 });
    expect(rows.get('b')?.status).toBe('in_progress');
    expect(journals()).toEqual([]);
  });

  it('after a commit empties the journal, later rows still land right after its header (no hole)', () => {
    const path = journalPath(dbPath);
    const journal = openJournal(path, DEAD);
    journal.append(row('a', 'completed', 1));
    journal.clear();
    journal.append(row('b', 'completed', 2));
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(DEAD)}\n${JSON.stringify(row('b', 'completed', 2))}\n`);
    leftBehind(journal, path);
    expect(replayJournals(dbPath, store)).toBe(1);
  });

  it('skips a torn line and a row of the wrong shape', () => {
    const path = journalPath(dbPath);
    writeFileSync(path, `${JSON.stringify(DEAD)}\n${JSON.stringify(row('a', 'in_progress'))}\n${JSON.stringify({ requestId: 'x' })}\n`);
    appendFileSync(path, JSON.stringify(row('a', 'completed', 5)).slice(0, 40));
    expect(replayJournals(dbPath, store)).toBe(1);
    expect(store.queryUsage({}).map((r) => [r.requestId, r.status])).toEqual([['a', 'in_progress']]);
  });

  it('leaves alone the journals of running processes, of this process, and of other hosts', () => {
    const live = journalPath(dbPath);
    writeFileSync(live, `${JSON.stringify({ ...DEAD, pid: process.ppid })}\n${JSON.stringify(row('c', 'completed', 1))}\n`);
    const elsewhere = journalPath(dbPath);
    writeFileSync(elsewhere, `${JSON.stringify({ ...DEAD, host: `not-${hostname()}` })}\n${JSON.stringify(row('d', 'completed', 1))}\n`);
    const ours = openJournal(journalPath(dbPath)); // another gateway in this very process
    ours.append(row('e', 'completed', 1));
    expect(replayJournals(dbPath, store)).toBe(0);
    expect(store.queryUsage({})).toEqual([]);
    expect(journals()).toHaveLength(3);
    ours.close();
  });

  it('replays a journal once when two gateways start together, and sets aside one it cannot replay', () => {
    const path = journalPath(dbPath);
    writeFileSync(path, `${JSON.stringify(DEAD)}\n${JSON.stringify(row('a', 'completed', 3))}\n`);
    expect(replayJournals(dbPath, store) + replayJournals(dbPath, store)).toBe(1);
    const broken = journalPath(dbPath);
    writeFileSync(broken, `${JSON.stringify(DEAD)}\n${JSON.stringify(row('b', 'completed', 3))}\n`);
    const failing = { upsertUsage: () => { throw new Error('disk full'); } };
    const warnings: string[] = [];
    expect(replayJournals(dbPath, failing, { warn: (_f, msg) => warnings.push(msg) })).toBe(0);
    expect(existsSync(`${broken}.bad`)).toBe(true);
    expect(warnings).toEqual(['usage journal could not be replayed; kept for inspection']);
  });

  it('through the ledger: rows reach the journal before the store, a commit empties it, a clean close removes it', () => {
    const path = journalPath(dbPath);
    const ledger = new Ledger(store, loadCatalog(), () => undefined, openJournal(path, DEAD));
    const close = ledger.open({ requestId: 'r1', orgId: 'org', keyId: 'key', surface: 'responses', provider: 'openai', model: 'gpt-5-mini', startWithin: '00h-00m-30s' });
    close({ status: 'completed', servedTier: 'flex', route: 'flex_admitted', errorCode: null, admissionMs: 700, firstByteMs: 710, durationMs: 900, usage: null });
    expect(store.queryUsage({})).toEqual([]); // not committed yet…
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3); // …but journaled: header, open, close
    ledger.flush();
    expect(store.queryUsage({}).map((r) => r.status)).toEqual(['completed']);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(DEAD)}\n`);
    ledger.close();
    expect(existsSync(path)).toBe(false);
  });

  it('a ledger that cannot commit keeps its journal at close, for the next start', () => {
    const path = journalPath(dbPath);
    const failing = { ...store, upsertUsage: () => { throw new Error('disk full'); } };
    const journal = openJournal(path, DEAD);
    const ledger = new Ledger(failing, loadCatalog(), () => undefined, journal);
    ledger.open({ requestId: 'r2', orgId: 'org', keyId: 'key', surface: 'responses', provider: 'openai', model: 'gpt-5-mini', startWithin: 'default' });
    ledger.close();
    expect(existsSync(path)).toBe(true);
    leftBehind(journal, path); // the process then exits
    expect(replayJournals(dbPath, store)).toBe(1);
  });
});

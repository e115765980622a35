import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store, UsageRow } from '../store/store.js';
import { journalPath, openJournal, replayJournals } from './journal.js';

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

/** A process id that is not running: well above the kernel's pid limit. */
const DEAD_PID = 2 ** 30;

describe('ledger crash journal', () => {
  it("replays a dead process's rows, the later row for a request winning, and removes the file", () => {
    const path = journalPath(dbPath, DEAD_PID);
    const journal = openJournal(path);
    journal.append(row('a', 'in_progress'));
    journal.append(row('b', 'in_progress'));
    journal.append(row('a', 'completed', 42));
    // Killed without close(): the file stays behind.
    expect(replayJournals(dbPath, store)).toBe(2);
    const rows = new Map(store.queryUsage({}).map((r) => [r.requestId, r]));
    expect(rows.get('a')).toMatchObject({ status: 'completed', outputTokens: 42 });
    expect(rows.get('b')?.status).toBe('in_progress');
    expect(existsSync(path)).toBe(false);
  });

  it('after a commit empties the journal, later rows still land at its start (no hole)', () => {
    const path = journalPath(dbPath, DEAD_PID);
    const journal = openJournal(path);
    journal.append(row('a', 'completed', 1));
    journal.clear();
    journal.append(row('b', 'completed', 2));
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(row('b', 'completed', 2))}\n`);
    expect(replayJournals(dbPath, store)).toBe(1);
  });

  it('skips a line torn by the kill and leaves the journals of running processes alone', () => {
    const dead = journalPath(dbPath, DEAD_PID);
    writeFileSync(dead, `${JSON.stringify(row('a', 'in_progress'))}\n`);
    appendFileSync(dead, JSON.stringify(row('a', 'completed', 5)).slice(0, 40));
    const live = journalPath(dbPath, process.ppid);
    writeFileSync(live, `${JSON.stringify(row('c', 'completed', 1))}\n`);
    expect(replayJournals(dbPath, store)).toBe(1);
    expect(store.queryUsage({}).map((r) => [r.requestId, r.status])).toEqual([['a', 'in_progress']]);
    expect(existsSync(live)).toBe(true);
  });

  it('close() removes the journal of a clean stop', () => {
    const path = journalPath(dbPath);
    const journal = openJournal(path);
    journal.append(row('a', 'completed'));
    journal.clear();
    journal.close();
    expect(existsSync(path)).toBe(false);
  });
});

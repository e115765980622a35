import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../catalog/catalog.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store, UsageRow } from '../store/store.js';
import type { JournalHeader, LedgerJournal } from './journal.js';
import { JOURNAL_HEARTBEAT_MS, JOURNAL_STALE_MS, journalHeader, journalPath, openJournal, replayJournals } from './journal.js';
import { Ledger } from './ledger.js';

let dir: string;
let dbPath: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexinf-journal-'));
  dbPath = join(dir, 'gateway.db');
  store = openSqliteStore(dbPath);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (requestId: string, status: UsageRow['status'], outputTokens = 0): UsageRow => ({
  requestId, orgId: 'org', keyId: 'key', surface: 'responses', provider: 'openai', model: 'gpt-5-mini',
  startWithin: '00h-00m-30s', servedTier: status === 'completed' ? 'flex' : null, route: 'flex_admitted', status,
  errorCode: null, admissionMs: null, firstByteMs: null, durationMs: null, inputTokens: 0, cachedTokens: 0,
  outputTokens, reasoningTokens: 0, costUsd: 0, standardCostUsd: 0, savingUsd: 0, createdAt: '2026-11-26T12:00:00.000Z',
  warnings: [],
});

/** A gateway on this host whose process is gone: its id is well above the kernel's pid limit. */
const deadHere = (): JournalHeader => ({ ...journalHeader(), pid: 2 ** 30 });
const journals = (): string[] => readdirSync(dir).filter((f) => f.startsWith('gateway.db-ledger-')).sort();
const statuses = async (): Promise<[string, string][]> =>
  (await store.queryUsage({})).map((r): [string, string] => [r.requestId, r.status]).sort(([a], [b]) => a.localeCompare(b));

/** What a hard kill leaves: the journal's file as it was, no longer open in any process. */
function leftBehind(journal: LedgerJournal, header: JournalHeader): string {
  const path = journalPath(dbPath, header);
  const text = readFileSync(path, 'utf8');
  journal.close();
  writeFileSync(path, text);
  return path;
}

function ageFile(path: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  utimesSync(path, then, then);
}

describe('ledger crash journal', () => {
  it("replays a dead gateway's rows (the last per request wins, open ones become interrupted) and removes the file", async () => {
    const header = deadHere();
    const journal = openJournal(dbPath, header);
    journal.append(row('a', 'in_progress'));
    journal.append(row('b', 'in_progress'));
    journal.append(row('a', 'completed', 42));
    leftBehind(journal, header);
    expect(await replayJournals(dbPath, store)).toEqual({ replayed: 2, waiting: 0 });
    const rows = new Map((await store.queryUsage({})).map((r) => [r.requestId, r]));
    expect(rows.get('a')).toMatchObject({ status: 'completed', outputTokens: 42 });
    expect(rows.get('b')).toMatchObject({ status: 'interrupted', errorCode: 'interrupted' });
    expect(journals()).toEqual([]);
  });

  it('a commit empties the journal but keeps its header; later rows follow it with no hole', async () => {
    const header = deadHere();
    const journal = openJournal(dbPath, header);
    journal.append(row('a', 'completed', 1));
    journal.clear();
    journal.append(row('b', 'completed', 2));
    const path = leftBehind(journal, header);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(header)}\n${JSON.stringify(row('b', 'completed', 2))}\n`);
    expect((await replayJournals(dbPath, store)).replayed).toBe(1);
  });

  it('skips torn lines and rows of the wrong shape, and says how many', async () => {
    const header = deadHere();
    const path = journalPath(dbPath, header);
    writeFileSync(path, [JSON.stringify(header), JSON.stringify(row('a', 'completed', 1)), JSON.stringify({ requestId: 'x' }), JSON.stringify(row('b', 'completed', 5)).slice(0, 40)].join('\n'));
    const warnings: object[] = [];
    expect((await replayJournals(dbPath, store, { warn: (fields) => warnings.push(fields) })).replayed).toBe(1);
    expect(await statuses()).toEqual([['a', 'completed']]);
    expect(warnings).toEqual([{ journal: path, lines: 2 }]);
  });

  it('replays rows journaled before rows had warnings, as rows without any; keeps the warnings of newer ones', async () => {
    const header = deadHere();
    const { warnings: _none, ...old } = row('a', 'completed', 1);
    const warned = { ...row('b', 'completed', 2), warnings: [{ code: 'sampling_dropped', field: 'temperature', message: 'not sent' }] };
    writeFileSync(journalPath(dbPath, header), `${JSON.stringify(header)}\n${JSON.stringify(old)}\n${JSON.stringify(warned)}\n`);
    expect((await replayJournals(dbPath, store)).replayed).toBe(2);
    const rows = new Map((await store.queryUsage({})).map((r) => [r.requestId, r.warnings]));
    expect(rows.get('a')).toEqual([]);
    expect(rows.get('b')).toEqual(warned.warnings);
  });

  it('leaves alone journals that may have a live writer (a running process here, a fresh one from another host) and those of this process', async () => {
    const live = { ...journalHeader(), pid: process.ppid };
    writeFileSync(journalPath(dbPath, live), `${JSON.stringify(live)}\n${JSON.stringify(row('c', 'completed', 1))}\n`);
    const foreign = { ...journalHeader(), host: `not-${hostname()}`, pid: 1 };
    writeFileSync(journalPath(dbPath, foreign), `${JSON.stringify(foreign)}\n${JSON.stringify(row('d', 'completed', 1))}\n`);
    const ours = openJournal(dbPath);
    ours.append(row('e', 'completed', 1));
    const headerless = join(dir, 'gateway.db-ledger-0000.jsonl');
    writeFileSync(headerless, `${JSON.stringify(row('f', 'completed', 1))}\n`);
    expect(await replayJournals(dbPath, store)).toEqual({ replayed: 0, waiting: 2 });
    expect(await statuses()).toEqual([]);
    expect(journals()).toHaveLength(4);
    // Untouched past the stale limit, the other host's journal is taken over, and so is the one
    // whose process id is now another running process's.
    ageFile(journalPath(dbPath, foreign), JOURNAL_STALE_MS + 1_000);
    ageFile(journalPath(dbPath, live), JOURNAL_STALE_MS + 1_000);
    expect(await replayJournals(dbPath, store)).toEqual({ replayed: 2, waiting: 0 });
    expect(await statuses()).toEqual([['c', 'completed'], ['d', 'completed']]);
    ours.close();
  });

  it('a live journal is touched while idle, so it never looks stale to another host', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const journal = openJournal(dbPath);
      const path = readdirSync(dir).map((f) => join(dir, f)).find((f) => f.endsWith('.jsonl'))!;
      ageFile(path, JOURNAL_STALE_MS + 1_000);
      vi.advanceTimersByTime(JOURNAL_HEARTBEAT_MS);
      expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(JOURNAL_STALE_MS);
      journal.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes over a claim abandoned by a crash during replay, but not a fresh one', async () => {
    const header = deadHere();
    const path = journalPath(dbPath, header);
    writeFileSync(path, `${JSON.stringify(header)}\n${JSON.stringify(row('a', 'completed', 3))}\n`);
    const claim = `${path}.replaying-0123456789abcdef`;
    renameSync(path, claim);
    expect((await replayJournals(dbPath, store)).replayed).toBe(0);
    ageFile(claim, JOURNAL_STALE_MS + 1_000);
    expect((await replayJournals(dbPath, store)).replayed).toBe(1);
    expect(journals()).toEqual([]);
  });

  it('puts a journal back when the store refuses it, and replays it next time', async () => {
    const header = deadHere();
    const path = journalPath(dbPath, header);
    writeFileSync(path, `${JSON.stringify(header)}\n${JSON.stringify(row('b', 'completed', 3))}\n`);
    const warnings: string[] = [];
    const refusing = { recoverUsage: () => Promise.reject(new Error('database is locked')) };
    expect((await replayJournals(dbPath, refusing, { warn: (_f, msg) => warnings.push(msg) })).replayed).toBe(0);
    expect(warnings).toEqual(['usage journal could not be replayed; kept for the next attempt']);
    expect(journals()).toEqual([path.slice(dir.length + 1)]);
    expect((await replayJournals(dbPath, store)).replayed).toBe(1);
  });

  it('never replaces a row its ledger closed, but completes one an earlier start marked interrupted', async () => {
    await store.upsertUsage([row('a', 'completed', 9), row('b', 'in_progress')]);
    await store.closeInterruptedUsage(); // a start that ran before this journal could be replayed
    const header = deadHere();
    writeFileSync(journalPath(dbPath, header), `${JSON.stringify(header)}\n${JSON.stringify(row('a', 'in_progress'))}\n${JSON.stringify(row('b', 'completed', 4))}\n`);
    await replayJournals(dbPath, store);
    expect((await store.queryUsage({})).map((r) => [r.requestId, r.status, r.outputTokens]).sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([['a', 'completed', 9], ['b', 'completed', 4]]);
  });
});

describe('ledger with its journal', () => {
  const start = (requestId: string) => ({ requestId, orgId: 'org', keyId: 'key', surface: 'responses' as const, provider: 'openai' as const, model: 'gpt-5-mini', startWithin: '00h-00m-30s' });
  const done = { status: 'completed' as const, servedTier: 'flex' as const, route: 'flex_admitted' as const, errorCode: null, admissionMs: 700, firstByteMs: 710, durationMs: 900, usage: null, warnings: [] };

  it('journals rows before the store; a commit empties the journal; a clean close removes it', async () => {
    const header = deadHere();
    const path = journalPath(dbPath, header);
    const ledger = new Ledger(store, loadCatalog(), () => undefined, openJournal(dbPath, header));
    ledger.open(start('r1'))(done);
    expect(await store.queryUsage({})).toEqual([]); // not committed yet…
    // …but journaled: header, close (an opening row closed within its event-loop turn is not written)
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { status?: string }).status)).toEqual([undefined, 'completed']);
    await ledger.flush();
    expect(await statuses()).toEqual([['r1', 'completed']]);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(header)}\n`);
    await ledger.close();
    expect(existsSync(path)).toBe(false);
  });

  it('journals opening rows together at the end of the event-loop turn', async () => {
    const header = deadHere();
    const path = journalPath(dbPath, header);
    const ledger = new Ledger(store, loadCatalog(), () => undefined, openJournal(dbPath, header));
    ledger.open(start('r5'));
    ledger.open(start('r6'));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1); // header only, for now
    await new Promise((resolve) => setImmediate(resolve));
    const ids = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { requestId: string }).requestId);
    expect(ids).toEqual(['r5', 'r6']);
    await ledger.close();
  });

  it('a ledger that cannot commit keeps its journal at close, for the next start', async () => {
    const header = deadHere();
    const journal = openJournal(dbPath, header);
    const refusing = { ...store, upsertUsage: () => Promise.reject(new Error('disk full')) };
    const ledger = new Ledger(refusing, loadCatalog(), () => undefined, journal);
    ledger.open(start('r2'));
    await ledger.close();
    expect(existsSync(journalPath(dbPath, header))).toBe(true);
    leftBehind(journal, header); // the process then exits
    expect((await replayJournals(dbPath, store)).replayed).toBe(1);
    expect(await statuses()).toEqual([['r2', 'interrupted']]);
  });

  it('a throwing listener neither breaks the close nor the other listeners; none hears rows after close', async () => {
    const errors: unknown[] = [];
    const ledger = new Ledger(store, loadCatalog(), (err) => errors.push(err));
    const heard: string[] = [];
    ledger.onClosed(() => {
      throw new Error('bad metric');
    });
    const unsubscribe = ledger.onClosed((r) => heard.push(r.requestId));
    expect(() => ledger.open(start('r3'))(done)).not.toThrow();
    expect(heard).toEqual(['r3']);
    expect(errors).toHaveLength(1);
    const late = ledger.open(start('r4'));
    await ledger.close();
    late(done);
    unsubscribe();
    expect(heard).toEqual(['r3']);
  });
});

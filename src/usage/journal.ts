// The ledger's crash journal: every row the ledger writes is first appended to a per-gateway file
// with one synchronous write (a few microseconds; the operating system keeps it when the process
// is killed), then group-committed to the store. A successful commit empties the journal. Journals
// whose writer is gone are replayed into the store, so a hard kill loses no row: not a completed
// request's, and not the opening row of one cut off mid-way (it is recorded as interrupted).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  ftruncateSync,
  futimesSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ProcessIdentity } from '../store/process-identity.js';
import { WRITER_STALE_MS, ownIdentity, writerState as processState } from '../store/process-identity.js';
import type { Store, UsageRow } from '../store/store.js';

export interface LedgerJournal {
  /** Appends rows with one write. */
  append(...rows: UsageRow[]): void;
  /** The rows written so far are committed to the store. */
  clear(): void;
  /** Ends the journal after a final commit: the file is removed. */
  close(): void;
  /** The journal's size in bytes (header included). */
  bytes(): number;
}

/** Who writes a journal: its first line. */
export interface JournalHeader extends ProcessIdentity {
  journal: 1;
  /** This journal's own random id. */
  id: string;
}

/** A live journal's file is touched this often, even when idle. */
export const JOURNAL_HEARTBEAT_MS = 5_000;
/** A journal untouched this long has no live writer (used where the writer's process cannot be checked). */
export const JOURNAL_STALE_MS = WRITER_STALE_MS;

const SUFFIX = '.jsonl';
const CLAIMED = '.replaying-';
const prefixFor = (dbPath: string): string => `${basename(dbPath)}-ledger-`;

/** Ids of the journals open in this process (several gateways may run in one process). */
const openHere = new Set<string>();

export function journalHeader(): JournalHeader {
  return { journal: 1, id: randomBytes(8).toString('hex'), ...ownIdentity() };
}

/** A new journal file next to the database. */
export function journalPath(dbPath: string, header: JournalHeader): string {
  return join(dirname(dbPath), `${prefixFor(dbPath)}${header.id}${SUFFIX}`);
}

/**
 * Creates the journal with its header in place (written under a temporary name, then renamed, so
 * no one ever sees it without one) and touches it every few seconds while it is open.
 */
export function openJournal(dbPath: string, header: JournalHeader = journalHeader()): LedgerJournal {
  const path = journalPath(dbPath, header);
  const headerLine = `${JSON.stringify(header)}\n`;
  const headerBytes = Buffer.byteLength(headerLine);
  // Appending: after a truncation the next line goes to the new end, not the old offset.
  const fd = openSync(`${path}.tmp`, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND, 0o600);
  writeSync(fd, headerLine);
  renameSync(`${path}.tmp`, path);
  openHere.add(header.id);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      futimesSync(fd, now, now);
    } catch {
      // The next heartbeat tries again; a missed one only matters after JOURNAL_STALE_MS.
    }
  }, JOURNAL_HEARTBEAT_MS);
  heartbeat.unref();
  let open = true;
  let size = headerBytes;
  return {
    append(...rows) {
      if (!open || rows.length === 0) return;
      let lines = '';
      for (const row of rows) lines += `${JSON.stringify(row)}\n`;
      size += writeSync(fd, lines);
    },
    clear() {
      if (!open) return;
      ftruncateSync(fd, headerBytes); // the header stays
      size = headerBytes;
    },
    bytes: () => (open ? size : 0),
    close() {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      openHere.delete(header.id);
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
  };
}

function parseHeader(line: string | undefined): JournalHeader | undefined {
  try {
    const h = JSON.parse(line ?? '') as Partial<JournalHeader>;
    if (h.journal === 1 && typeof h.id === 'string' && typeof h.host === 'string' && typeof h.boot === 'string' && typeof h.pid === 'number') {
      return h as JournalHeader;
    }
  } catch {
    // not a header
  }
  return undefined;
}

/** Whether a journal's writer is gone (see process-identity.ts); this process's own journals are not. */
function writerState(header: JournalHeader, touchedMs: number, own: JournalHeader): 'ours' | 'gone' | 'maybe-alive' {
  return openHere.has(header.id) ? 'ours' : processState(header, touchedMs, own);
}

/** `warnings` may be absent: journals written before the field existed are replayed too. */
const ROW_FIELDS = {
  requestId: 'string', orgId: 'string', keyId: 'string', surface: 'string', provider: 'string', model: 'string',
  startWithin: 'string', servedTier: 'string?', route: 'string', status: 'string', errorCode: 'string?',
  admissionMs: 'number?', firstByteMs: 'number?', durationMs: 'number?', inputTokens: 'number', cachedTokens: 'number',
  outputTokens: 'number', reasoningTokens: 'number', costUsd: 'number', standardCostUsd: 'number', savingUsd: 'number',
  createdAt: 'string', warnings: 'array?',
} as const satisfies Record<keyof UsageRow, 'string' | 'string?' | 'number' | 'number?' | 'array?'>;

function isUsageRow(value: unknown): value is Omit<UsageRow, 'warnings'> & { warnings?: UsageRow['warnings'] } {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as Record<string, unknown>;
  return Object.entries(ROW_FIELDS).every(([field, type]) => {
    const v = row[field];
    if (type === 'array?') return v === undefined || Array.isArray(v);
    if (type.endsWith('?') && v === null) return true;
    return typeof v === type.replace('?', '');
  });
}

/** A row its dead writer left open was cut off: it is recorded as interrupted. */
function asRecovered(row: UsageRow): UsageRow {
  return row.status === 'in_progress' ? { ...row, status: 'interrupted', errorCode: row.errorCode ?? 'interrupted' } : row;
}

export interface ReplayLog {
  warn(fields: object, msg: string): void;
}

export interface ReplayResult {
  /** Rows written to the store. */
  replayed: number;
  /** Journals that may still have a live writer: worth another look after JOURNAL_STALE_MS. */
  waiting: number;
}

/**
 * Replays the journals whose writers are gone into the store and removes them. Each is claimed by
 * renaming it first, so two gateways replay a journal once; a claim abandoned by a crash is taken
 * over once stale. The last row per request wins; a row still open is recorded as interrupted, and
 * no recovered row replaces one the store already holds as closed. Lines torn by the kill are
 * skipped (and counted in the log). When the store refuses the rows, the journal is put back for
 * the next attempt and the start goes on.
 */
export async function replayJournals(dbPath: string, store: Pick<Store, 'recoverUsage'>, log?: ReplayLog): Promise<ReplayResult> {
  const dir = dirname(dbPath);
  const prefix = prefixFor(dbPath);
  const own = journalHeader();
  const result: ReplayResult = { replayed: 0, waiting: 0 };
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const claimedAt = name.indexOf(`${SUFFIX}${CLAIMED}`);
    if (!name.endsWith(SUFFIX) && claimedAt < 0) continue;
    const original = join(dir, claimedAt < 0 ? name : name.slice(0, claimedAt + SUFFIX.length));
    const path = join(dir, name);
    try {
      const touchedMs = statSync(path).mtimeMs;
      const text = readFileSync(path, 'utf8');
      const header = parseHeader(text.slice(0, Math.max(0, text.indexOf('\n'))));
      if (!header) {
        log?.warn({ journal: path }, 'usage journal without a header left alone');
        continue;
      }
      // A claim is renamed by a replay that runs start to finish: one left stale was abandoned.
      const state = claimedAt < 0 ? writerState(header, touchedMs, own) : Date.now() - touchedMs > JOURNAL_STALE_MS ? 'gone' : 'maybe-alive';
      if (state !== 'gone') {
        if (state === 'maybe-alive') result.waiting++;
        continue;
      }
      const claimed = `${original}${CLAIMED}${own.id}`;
      try {
        renameSync(path, claimed);
      } catch {
        continue; // another gateway claimed it first
      }
      const rows = new Map<string, UsageRow>();
      let torn = 0;
      // Re-read after the claim: a writer judged gone cannot add to it, but read what is there now.
      for (const line of readFileSync(claimed, 'utf8').split('\n').slice(1)) {
        if (line === '') continue;
        try {
          const row: unknown = JSON.parse(line);
          if (isUsageRow(row)) rows.set(row.requestId, asRecovered({ ...row, warnings: row.warnings ?? [] }));
          else torn++;
        } catch {
          torn++;
        }
      }
      try {
        await store.recoverUsage([...rows.values()]);
      } catch (err) {
        renameSync(claimed, original);
        log?.warn({ journal: original, err: String(err) }, 'usage journal could not be replayed; kept for the next attempt');
        continue;
      }
      unlinkSync(claimed);
      result.replayed += rows.size;
      if (torn > 0) log?.warn({ journal: original, lines: torn }, 'usage journal lines cut short or malformed were skipped');
    } catch (err) {
      log?.warn({ journal: path, err: String(err) }, 'usage journal could not be read; left for the next attempt');
    }
  }
  return result;
}

// The ledger's crash journal: every row the ledger writes is first appended to a per-process file
// with one synchronous write (a few microseconds; the operating system keeps it when the process
// is killed), then group-committed to the store. A successful commit empties the journal. At the
// next start, the journals of processes that are gone are replayed into the store, so a hard kill
// loses no row: not a completed request's, and not the opening row of one cut off mid-way.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Store, UsageRow } from '../store/store.js';

export interface LedgerJournal {
  append(row: UsageRow): void;
  /** The rows written so far are committed to the store. */
  clear(): void;
  /** Ends the journal after a final commit: the file is removed. */
  close(): void;
}

/** Who wrote a journal: its first line. */
interface JournalHeader {
  journal: 1;
  host: string;
  boot: string;
  pid: number;
}

const SUFFIX = '.jsonl';
const prefixFor = (dbPath: string): string => `${basename(dbPath)}-ledger-`;

/** Journals this process has open (several gateways may run in one process, as in tests). */
const openHere = new Set<string>();

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return ''; // not Linux: the process id alone decides
  }
}

function ownHeader(): JournalHeader {
  return { journal: 1, host: hostname(), boot: bootId(), pid: process.pid };
}

/** A new journal file next to the database, unique to this gateway. */
export function journalPath(dbPath: string): string {
  return join(dirname(dbPath), `${prefixFor(dbPath)}${randomBytes(6).toString('hex')}${SUFFIX}`);
}

export function openJournal(path: string, header: JournalHeader = ownHeader()): LedgerJournal {
  // Appending: after a truncation the next line goes to the new end, not the old offset.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND, 0o600);
  const headerLine = `${JSON.stringify(header)}\n`;
  writeSync(fd, headerLine);
  openHere.add(path);
  let open = true;
  return {
    append(row) {
      if (open) writeSync(fd, `${JSON.stringify(row)}\n`);
    },
    clear() {
      if (!open) return;
      ftruncateSync(fd, 0);
      writeSync(fd, headerLine);
    },
    close() {
      if (!open) return;
      open = false;
      openHere.delete(path);
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHeader(line: string | undefined): JournalHeader | undefined {
  try {
    const h = JSON.parse(line ?? '') as Partial<JournalHeader>;
    if (h.journal === 1 && typeof h.host === 'string' && typeof h.boot === 'string' && typeof h.pid === 'number') return h as JournalHeader;
  } catch {
    // not a header
  }
  return undefined;
}

/**
 * Whether the writer of a journal is gone. Only a journal written on this host can be judged:
 * from another boot, or by a process id that is not running (or is ours, while the file is not one
 * of our open journals: an earlier process with the same id).
 */
function writerGone(path: string, header: JournalHeader, own: JournalHeader): boolean | 'unknown' {
  if (openHere.has(path)) return false;
  if (header.host !== own.host) return 'unknown';
  if (header.boot !== own.boot) return true;
  return header.pid === own.pid || !processAlive(header.pid);
}

const ROW_FIELDS = {
  requestId: 'string', orgId: 'string', keyId: 'string', surface: 'string', provider: 'string', model: 'string',
  startWithin: 'string', servedTier: 'string?', route: 'string', status: 'string', errorCode: 'string?',
  admissionMs: 'number?', firstByteMs: 'number?', durationMs: 'number?', inputTokens: 'number', cachedTokens: 'number',
  outputTokens: 'number', reasoningTokens: 'number', costUsd: 'number', standardCostUsd: 'number', savingUsd: 'number',
  createdAt: 'string',
} as const satisfies Record<keyof UsageRow, 'string' | 'string?' | 'number' | 'number?'>;

function isUsageRow(value: unknown): value is UsageRow {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as Record<string, unknown>;
  return Object.entries(ROW_FIELDS).every(([field, type]) => {
    const v = row[field];
    if (type.endsWith('?') && v === null) return true;
    return typeof v === type.replace('?', '');
  });
}

export interface ReplayLog {
  warn(fields: object, msg: string): void;
}

/**
 * Runs at start. Replays the journals whose writers are gone into the store (a later row for the
 * same request replaces an earlier one) and removes them; returns the rows replayed. Each journal
 * is claimed by renaming it first, so two gateways starting together replay it once. A line torn
 * by the kill is skipped; a journal that cannot be replayed is renamed `.bad` and reported, and
 * the start goes on.
 */
export function replayJournals(dbPath: string, store: Pick<Store, 'upsertUsage'>, log?: ReplayLog): number {
  const dir = dirname(dbPath);
  const prefix = prefixFor(dbPath);
  const own = ownHeader();
  let replayed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) continue;
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // claimed by another gateway meanwhile
    }
    const [first, ...lines] = text.split('\n');
    const header = parseHeader(first);
    const gone = header ? writerGone(path, header, own) : true; // no header: torn at creation
    if (gone === 'unknown') {
      log?.warn({ journal: path, host: header?.host }, 'usage journal written on another host left alone');
      continue;
    }
    if (!gone) continue;
    const claimed = `${path}.replaying-${process.pid}`;
    try {
      renameSync(path, claimed);
    } catch {
      continue; // claimed by another gateway
    }
    const rows = new Map<string, UsageRow>();
    for (const line of lines) {
      try {
        const row: unknown = JSON.parse(line);
        if (isUsageRow(row)) rows.set(row.requestId, row);
      } catch {
        // A line cut short by the kill: the row before it (if any) stands.
      }
    }
    try {
      store.upsertUsage([...rows.values()]);
      unlinkSync(claimed);
      replayed += rows.size;
    } catch (err) {
      renameSync(claimed, `${path}.bad`);
      log?.warn({ journal: `${path}.bad`, err: String(err) }, 'usage journal could not be replayed; kept for inspection');
    }
  }
  return replayed;
}

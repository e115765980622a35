// The ledger's crash journal: every row the ledger writes is first appended to a per-process file
// with one synchronous write (a few microseconds; the operating system keeps it when the process
// is killed), then group-committed to the store. A successful commit empties the journal. At the
// next start, the journals of processes that are gone are replayed into the store, so a hard kill
// loses no row: not a completed request's, and not the opening row of one cut off mid-way.
import { closeSync, constants, ftruncateSync, openSync, readFileSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Store, UsageRow } from '../store/store.js';

export interface LedgerJournal {
  append(row: UsageRow): void;
  /** The rows written so far are committed to the store. */
  clear(): void;
  /** Ends the journal after a final commit: the file is removed. */
  close(): void;
}

const SUFFIX = '.jsonl';
const prefixFor = (dbPath: string): string => `${basename(dbPath)}-ledger-`;

export function journalPath(dbPath: string, pid = process.pid): string {
  return join(dirname(dbPath), `${prefixFor(dbPath)}${pid}${SUFFIX}`);
}

export function openJournal(path: string): LedgerJournal {
  // Appending: after a truncation the next line goes to the new end, not the old offset.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND, 0o600);
  let open = true;
  return {
    append(row) {
      if (open) writeSync(fd, `${JSON.stringify(row)}\n`);
    },
    clear() {
      if (open) ftruncateSync(fd, 0);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
      unlinkSync(path);
    },
  };
}

function processAlive(pid: number): boolean {
  // Replay runs before this process opens its own journal: a file with our pid is a dead
  // process's whose pid was reused.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs at start, before this process opens its journal. Replays the journals left by processes
 * that are no longer running into the store (a later row
 * for the same request replaces an earlier one) and removes them. Returns the rows replayed. A
 * torn last line (the kill landed mid-write) is skipped.
 */
export function replayJournals(dbPath: string, store: Pick<Store, 'upsertUsage'>): number {
  const dir = dirname(dbPath);
  const prefix = prefixFor(dbPath);
  let replayed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length, -SUFFIX.length));
    if (!Number.isInteger(pid) || processAlive(pid)) continue;
    const path = join(dir, name);
    const rows = new Map<string, UsageRow>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        const row = JSON.parse(line) as UsageRow;
        rows.set(row.requestId, row);
      } catch {
        // A line cut short by the kill: the row before it (if any) stands.
      }
    }
    store.upsertUsage([...rows.values()]);
    replayed += rows.size;
    unlinkSync(path);
  }
  return replayed;
}

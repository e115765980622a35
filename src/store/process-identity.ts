// Which process on which machine wrote something (a ledger journal, a gateway's heartbeat row), and
// whether that writer is gone, so what it left behind can be recovered without touching the work
// of a writer that still runs.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  host: string;
  /** The kernel's boot id ('' where there is none): a pid means something only within one boot. */
  boot: string;
  pid: number;
}

/** A writer untouched this long has no live writer (used where the writer's process cannot be checked). */
export const WRITER_STALE_MS = 30_000;

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return ''; // not Linux: liveness falls back to the heartbeat
  }
}

export function ownIdentity(): ProcessIdentity {
  return { host: hostname(), boot: bootId(), pid: process.pid };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a writer is gone. On this host and boot, a writer whose process has exited is gone at
 * once (one with our own pid that the caller does not know as live is an earlier process that had
 * it). Anywhere, a writer untouched for WRITER_STALE_MS is gone: it would have touched its mark, so
 * a process now running under the old pid (pids are reused) or a writer in another container no
 * longer keeps it. Otherwise it may be alive: look again later.
 */
export function writerState(writer: ProcessIdentity, touchedMs: number, own: ProcessIdentity = ownIdentity()): 'gone' | 'maybe-alive' {
  const here = writer.host === own.host && writer.boot !== '' && writer.boot === own.boot;
  if (here && (writer.pid === own.pid || !processAlive(writer.pid))) return 'gone';
  return Date.now() - touchedMs > WRITER_STALE_MS ? 'gone' : 'maybe-alive';
}

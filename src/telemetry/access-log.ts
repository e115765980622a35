// The access log: one structured line per request at `info`, built once when the request ends.
// Identifiers, routing and timings only: no key, no prompt, no answer text.
import type { Logger } from 'pino';
import type { Warning } from '../canonical/types.js';
import type { RequestEnd, RequestRecord } from './record.js';

export interface AccessLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  errorCode?: string | null;
  orgId?: string;
  keyId?: string;
  surface?: string;
  provider?: string;
  model?: string;
  startWithin?: string;
  /** The routing decision (`flex_admitted`, `flex_timeout`, `direct`, …). */
  route?: string;
  servedTier?: string | null;
  admissionMs?: number | null;
  firstByteMs?: number | null;
  inputTokens?: number;
  cachedTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  /** What was changed to fit the request, with the sentence saying how. */
  warnings?: readonly Warning[];
}

const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 10) / 10);

/** The line's fields: a generation's come from its ledger row, so the two always agree. */
export function accessLine(record: RequestRecord, end: RequestEnd): AccessLine {
  const line: AccessLine = {
    requestId: record.requestId,
    method: record.method,
    path: record.path,
    status: end.status,
    durationMs: round(record.row?.durationMs ?? end.durationMs) ?? 0,
  };
  const errorCode = record.row ? record.row.errorCode : record.errorCode;
  if (errorCode !== undefined) line.errorCode = errorCode;
  if (record.orgId !== undefined) line.orgId = record.orgId;
  if (record.keyId !== undefined) line.keyId = record.keyId;
  if (record.surface !== undefined) line.surface = record.surface;
  if (record.provider !== undefined) line.provider = record.provider;
  if (record.model !== undefined) line.model = record.model;
  if (record.startWithin !== undefined) line.startWithin = record.startWithin;
  const row = record.row;
  if (row) {
    line.route = row.route;
    line.servedTier = row.servedTier;
    line.admissionMs = round(row.admissionMs);
    line.firstByteMs = round(row.firstByteMs);
    line.inputTokens = row.inputTokens;
    line.cachedTokens = row.cachedTokens;
    line.outputTokens = row.outputTokens;
    line.reasoningTokens = row.reasoningTokens;
  }
  if (record.warnings?.length) line.warnings = record.warnings;
  return line;
}

export function writeAccessLine(log: Logger, record: RequestRecord, end: RequestEnd): void {
  if (log.isLevelEnabled('info')) log.info(accessLine(record, end), 'request');
}

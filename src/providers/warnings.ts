// The warnings of one conversion, shared by the three providers' converters.
import type { Warning, WarningCode } from '../canonical/types.js';

/** Notes one change made to fit the provider: its code, the canonical field, one sentence. */
export type Warn = (code: WarningCode, field: string, message: string) => void;

export interface WarningList {
  warn: Warn;
  /** In the order noted; the same warning noted twice (one rule met by two items) is kept once. */
  readonly warnings: Warning[];
}

/** A fresh list for one conversion: nothing is shared between conversions, or with the request. */
export function warningList(): WarningList {
  const warnings: Warning[] = [];
  const warn: Warn = (code, field, message) => {
    if (!warnings.some((w) => w.code === code && w.field === field && w.message === message)) warnings.push({ code, field, message });
  };
  return { warn, warnings };
}

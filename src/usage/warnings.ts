// Warnings as machine-readable text (docs/product.md §7): `code:field` entries joined by `;`, as
// the `x-flexinference-warnings` header carries them and the usage CSV shows them, e.g.
// `sampling_dropped:temperature;thinking_disabled:reasoning`. The sentences stay in the ledger row.
import type { Warning, WarningCode } from '../canonical/types.js';

const CODES: Readonly<Record<WarningCode, true>> = {
  sampling_dropped: true,
  thinking_disabled: true,
  thinking_budget_changed: true,
  output_limit_raised: true,
  reasoning_dropped: true,
  reasoning_changed: true,
  reasoning_item_dropped: true,
  item_reference_dropped: true,
  provider_item_dropped: true,
  web_search_changed: true,
  translated: true,
};

/** Every warning code, in the order documented (the OpenAPI enum). */
export const WARNING_CODES = Object.keys(CODES) as WarningCode[];

/** Longest header value: a request with many changes keeps the first entries; its ledger row has all. */
const MAX_HEADER_CHARS = 2_000;

/** One entry: a field keeps only what a header and the `;` list can carry; anything else becomes `_`. */
export function warningEntry(warning: Warning): string {
  return `${warning.code}:${warning.field.replace(/[^\x21-\x7e]|[;,]/g, '_')}`;
}

/** The entries, each once, in order, `;`-separated ('' without warnings). */
export function formatWarnings(warnings: readonly Warning[]): string {
  return [...new Set(warnings.map(warningEntry))].join(';');
}

/** The `x-flexinference-warnings` value, or undefined when nothing was changed (no header then). */
export function warningsHeader(warnings: readonly Warning[]): string | undefined {
  let value = '';
  for (const entry of new Set(warnings.map(warningEntry))) {
    const next = value === '' ? entry : `${value};${entry}`;
    if (next.length > MAX_HEADER_CHARS) break;
    value = next;
  }
  return value === '' ? undefined : value;
}

// Parsing of `start_within` (docs/product.md §3). Pure: no catalog, no provider.
import { FlexError } from '../errors/catalog.js';

export type StartWithin =
  | { kind: 'tier'; tier: 'standard' | 'priority' | 'auto'; raw: string }
  | { kind: 'flex'; windowMs: number; raw: string };

const DURATION = /^(\d{2})h-(\d{2})m-(\d{2})s$/;
export const MIN_WINDOW_MS = 5_000;
export const MAX_WINDOW_MS = 600_000;

function invalid(detail: string): FlexError {
  return new FlexError('invalid_start_within', { param: 'start_within', detail });
}

export function parseStartWithin(value: unknown): StartWithin {
  if (value === undefined || value === null) {
    throw new FlexError('missing_start_within', { param: 'start_within' });
  }
  if (typeof value !== 'string') {
    throw invalid(`\`start_within\` must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}.`);
  }
  switch (value) {
    case 'default':
      return { kind: 'tier', tier: 'standard', raw: value };
    case 'priority':
    case 'auto':
      return { kind: 'tier', tier: value, raw: value };
  }
  const match = DURATION.exec(value);
  if (!match) {
    throw invalid(`${JSON.stringify(value.slice(0, 40))} is neither a known word nor a duration of the form HHh-MMm-SSs with two digits per field.`);
  }
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (minutes > 59 || seconds > 59) {
    throw invalid(`In ${JSON.stringify(value)} the minutes and seconds must each be 00-59.`);
  }
  const windowMs = ((hours * 60 + minutes) * 60 + seconds) * 1000;
  if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
    throw invalid(`${JSON.stringify(value)} is outside the allowed range of 5 seconds to 10 minutes.`);
  }
  return { kind: 'flex', windowMs, raw: value };
}

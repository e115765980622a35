// API key format: `flex_live_` + 24 lowercase hex + a 6-hex checksum of the first part, so a typo is
// rejected before any lookup. Only a hash is ever stored.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'flex_live_';
const FORMAT = /^flex_live_([0-9a-f]{24})([0-9a-f]{6})$/;

// crypto.hash: the one-shot form, several times cheaper than a Hash object on every request.
function checksum(body: string): string {
  return hash('sha256', PREFIX + body).slice(0, 6);
}

export function generateApiKey(): string {
  const body = randomBytes(12).toString('hex');
  return PREFIX + body + checksum(body);
}

/** Format and checksum only; says nothing about whether the key exists. */
export function isWellFormedApiKey(key: string): boolean {
  const m = FORMAT.exec(key);
  if (!m) return false;
  const expected = Buffer.from(checksum(m[1] ?? ''));
  const given = Buffer.from(m[2] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Keys carry 96 random bits, so an unsalted SHA-256 is a safe, indexable hash. */
export function hashApiKey(key: string): string {
  return hash('sha256', key);
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What `keys list` shows instead of the key: enough to recognise it, not to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, PREFIX.length + 6);
}

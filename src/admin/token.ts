// The admin token: FLEX_ADMIN_TOKEN, or one generated at first start and printed once (only its
// SHA-256 is stored, like API keys). Compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.js';

/** The store's `meta` entry holding the generated token's hash. */
export const ADMIN_TOKEN_META = 'admin_token_sha256';
const FORMAT = /^flex_admin_[0-9a-f]{40}$/;

export function generateAdminToken(): string {
  return `flex_admin_${randomBytes(20).toString('hex')}`;
}

export function looksLikeAdminToken(value: string): boolean {
  return FORMAT.test(value);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export interface AdminTokenCheck {
  /** True when `given` is the admin token; the time taken does not depend on how much matched. */
  matches(given: string): Promise<boolean>;
  /** A short fingerprint of the current token, so sessions end when the token changes. */
  fingerprint(): Promise<string | undefined>;
}

/**
 * FLEX_ADMIN_TOKEN when set, else the stored hash (read again after a few seconds, so
 * `admin-token rotate` applies everywhere soon after).
 */
export function createAdminTokenCheck(store: Pick<Store, 'getMeta'>, configured: string | undefined, now: () => number = Date.now): AdminTokenCheck {
  const fixed = configured ? sha256(configured) : undefined;
  let cached: { value: Buffer | undefined; until: number } | undefined;
  const expected = async (): Promise<Buffer | undefined> => {
    if (fixed) return fixed;
    if (cached && cached.until > now()) return cached.value;
    const stored = await store.getMeta(ADMIN_TOKEN_META);
    cached = { value: stored ? Buffer.from(stored, 'hex') : undefined, until: now() + 2_000 };
    return cached.value;
  };
  return {
    async matches(given) {
      const want = await expected();
      const got = sha256(given);
      // Both sides are 32-byte digests, so the comparison itself leaks nothing about the token.
      return want !== undefined && want.length === got.length && timingSafeEqual(want, got);
    },
    fingerprint: async () => (await expected())?.subarray(0, 8).toString('hex'),
  };
}

/**
 * At first start without FLEX_ADMIN_TOKEN: generates the token, stores its hash and returns it
 * (the caller prints it once). Undefined when a token already exists or one is configured.
 */
export async function ensureAdminToken(store: Pick<Store, 'getMeta' | 'setMeta'>, configured: string | undefined): Promise<string | undefined> {
  if (configured || (await store.getMeta(ADMIN_TOKEN_META)) !== undefined) return undefined;
  const token = generateAdminToken();
  // Two instances starting together: only the one whose insert wins prints its token.
  return (await store.setMeta(ADMIN_TOKEN_META, sha256(token).toString('hex'), { onlyIfAbsent: true })) ? token : undefined;
}

/** Replaces the stored token (the operator lost it); the old one stops working at once. */
export async function rotateAdminToken(store: Pick<Store, 'setMeta'>): Promise<string> {
  const token = generateAdminToken();
  await store.setMeta(ADMIN_TOKEN_META, sha256(token).toString('hex'));
  return token;
}

// Authentication: the flex_live_ key from Authorization: Bearer, x-api-key or x-goog-api-key.
import type { IncomingHttpHeaders } from 'node:http';
import { FlexError } from '../errors/catalog.js';
import { hashApiKey, hashesEqual, isWellFormedApiKey } from '../store/api-keys.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import type { RateLimiter } from './rate-limit.js';

export function extractApiKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.length > 0) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? (m[1] ?? '').trim() : auth.trim();
  }
  for (const name of ['x-api-key', 'x-goog-api-key'] as const) {
    const value = headers[name];
    if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  }
  return undefined;
}

export interface Authenticator {
  /** Resolves the caller's key record or throws missing_api_key / invalid_api_key / rate_limit_exceeded. */
  authenticate(headers: IncomingHttpHeaders, clientAddress: string): Promise<ApiKeyRecord>;
}

export function createAuthenticator(store: Store, failures: RateLimiter): Authenticator {
  const fail = async (clientAddress: string, err: FlexError): Promise<never> => {
    const wait = await failures.take(clientAddress);
    if (wait > 0) throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: wait, detail: 'Too many failed authentication attempts from your address.' });
    throw err;
  };
  return {
    async authenticate(headers, clientAddress) {
      const blocked = failures.blockedFor(clientAddress);
      if (blocked > 0) {
        throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: blocked, detail: 'Too many failed authentication attempts from your address.' });
      }
      const key = extractApiKey(headers);
      if (key === undefined) return fail(clientAddress, new FlexError('missing_api_key'));
      // Format and checksum first: a typo never reaches the store.
      if (!isWellFormedApiKey(key)) {
        return fail(clientAddress, new FlexError('invalid_api_key', { detail: 'The API key is malformed (wrong prefix, length or checksum).' }));
      }
      const hash = hashApiKey(key);
      const record = await store.findApiKeyByHash(hash);
      if (!record || !hashesEqual(record.hash, hash)) {
        return fail(clientAddress, new FlexError('invalid_api_key', { detail: 'No such API key.' }));
      }
      if (record.revokedAt) {
        return fail(clientAddress, new FlexError('invalid_api_key', { detail: 'This API key was revoked.' }));
      }
      return record;
    },
  };
}

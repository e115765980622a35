// Who is calling the admin API, and whether a state-changing request may proceed.
//
// - `Authorization: Bearer <admin token>` → the operator; `Bearer flex_live_…` → that key's
//   organization, read-only. Neither is sent by a browser on its own, so they need no CSRF check.
// - The dashboard's session cookie (HttpOnly, SameSite=Strict, signed, no secret inside): a
//   state-changing request must also carry the session's anti-forgery token in a header and come
//   from the gateway's own origin.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AdminTokenCheck } from '../admin/token.js';
import type { Viewer } from '../admin/viewer.js';
import { FlexError } from '../errors/catalog.js';
import { hashApiKey, isWellFormedApiKey } from '../store/api-keys.js';
import type { Store } from '../store/store.js';
import type { Authenticator } from './auth.js';
import { extractApiKey } from './auth.js';
import { clientAddress } from './http.js';
import type { RateLimiter } from './rate-limit.js';

export const SESSION_COOKIE = 'flex_dashboard';
export const CSRF_HEADER = 'x-flexinference-csrf';
const SESSION_MS = 8 * 3600_000;

interface SessionPayload {
  /** admin | org */
  r: 'admin' | 'org';
  /** Admin sessions: the token's fingerprint (a new token ends them). Org sessions: the key's hash. */
  f: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

export interface AdminAuthDeps {
  store: Store;
  token: AdminTokenCheck;
  authenticator: Authenticator;
  authFailures: RateLimiter;
  /** Signs session cookies; derived from the master key so every instance accepts them. */
  sessionKey: Buffer;
  trustProxy: boolean;
  now: () => number;
}

export interface AdminCaller {
  viewer: Viewer;
  /** Set when the caller came with the dashboard's session cookie. */
  session?: { csrf: string };
}

const mac = (key: Buffer, text: string): string => createHmac('sha256', key).update(text).digest('base64url');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function createAdminAuth(deps: AdminAuthDeps) {
  const refuse = async (req: IncomingMessage, detail: string): Promise<never> => {
    const address = clientAddress(req, deps.trustProxy);
    const wait = await deps.authFailures.take(address);
    if (wait > 0) throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: wait, detail: 'Too many failed authentication attempts from your address.' });
    throw new FlexError('invalid_admin_token', { detail });
  };

  const orgViewer = async (req: IncomingMessage): Promise<Viewer> => {
    const key = await deps.authenticator.authenticate(req.headers, clientAddress(req, deps.trustProxy));
    return { role: 'organization', orgId: key.orgId, orgName: key.orgName, keyId: key.id };
  };

  /** The viewer a token stands for: the admin token, or an organization's active API key. */
  const viewerForToken = async (req: IncomingMessage, token: string): Promise<Viewer> => {
    const blocked = deps.authFailures.blockedFor(clientAddress(req, deps.trustProxy));
    if (blocked > 0) {
      throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: blocked, detail: 'Too many failed authentication attempts from your address.' });
    }
    if (await deps.token.matches(token)) return { role: 'admin' };
    if (isWellFormedApiKey(token)) return orgViewer(req);
    return refuse(req, 'The token is neither the admin token nor an active API key.');
  };

  const csrfOf = (payload: string): string => mac(deps.sessionKey, `csrf:${payload}`);

  const fromCookie = async (cookie: string): Promise<AdminCaller | undefined> => {
    const [payload, signature] = cookie.split('.', 2);
    if (!payload || !signature || !safeEqual(mac(deps.sessionKey, payload), signature)) return undefined;
    let session: SessionPayload;
    try {
      session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionPayload;
    } catch {
      return undefined;
    }
    if (!(session.e > deps.now())) return undefined;
    if (session.r === 'admin') {
      const current = await deps.token.fingerprint();
      return current !== undefined && safeEqual(current, session.f) ? { viewer: { role: 'admin' }, session: { csrf: csrfOf(payload) } } : undefined;
    }
    const key = await deps.store.findApiKeyByHash(session.f);
    if (!key || key.revokedAt) return undefined;
    return { viewer: { role: 'organization', orgId: key.orgId, orgName: key.orgName, keyId: key.id }, session: { csrf: csrfOf(payload) } };
  };

  return {
    /** The caller of an admin API request, or `invalid_admin_token`. */
    async caller(req: IncomingMessage): Promise<AdminCaller> {
      if (req.headers.authorization || req.headers['x-api-key'] || req.headers['x-goog-api-key']) {
        const token = extractApiKey(req.headers) ?? '';
        return { viewer: await viewerForToken(req, token) };
      }
      const cookie = readCookie(req, SESSION_COOKIE);
      const caller = cookie === undefined ? undefined : await fromCookie(cookie);
      if (!caller) {
        throw new FlexError('invalid_admin_token', {
          detail: cookie === undefined ? 'No admin token was sent.' : 'The dashboard session has ended; sign in again.',
        });
      }
      return caller;
    },

    /** Refuses a state-changing request made with the session cookie from anywhere but the page. */
    checkForgery(req: IncomingMessage, caller: AdminCaller): void {
      if (!caller.session) return;
      const given = req.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !safeEqual(given, caller.session.csrf) || !sameOrigin(req)) {
        throw new FlexError('forbidden', { detail: 'This change did not come from the dashboard page (anti-forgery check failed).' });
      }
    },

    /** Signs in: a new session cookie for the admin token or an organization's API key. */
    async signIn(req: IncomingMessage, token: string): Promise<{ cookie: string; caller: AdminCaller }> {
      if (!sameOrigin(req)) throw new FlexError('forbidden', { detail: 'Sign-in must come from the dashboard page.' });
      const viewer = await viewerForToken(req, token);
      const session: SessionPayload =
        viewer.role === 'admin'
          ? { r: 'admin', f: (await deps.token.fingerprint()) ?? '', e: deps.now() + SESSION_MS }
          : { r: 'org', f: hashApiKey(token), e: deps.now() + SESSION_MS };
      const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
      return { cookie: `${payload}.${mac(deps.sessionKey, payload)}`, caller: { viewer, session: { csrf: csrfOf(payload) } } };
    },
  };
}

export type AdminAuth = ReturnType<typeof createAdminAuth>;

/**
 * A browser says where a request comes from (Origin, Sec-Fetch-Site); anything it marks as from
 * another site is refused. Clients that send neither (curl, SDKs) are not browsers.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site' || req.headers['sec-fetch-site'] === 'same-site') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function sessionCookieHeader(value: string, secure: boolean): string {
  const maxAge = value === '' ? 0 : SESSION_MS / 1000;
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

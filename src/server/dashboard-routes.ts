// The dashboard at /dashboard: its page and assets (read once, served from memory), and its
// session (sign in with the admin token or an organization's API key; sign out).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { FlexError } from '../errors/catalog.js';
import { SESSION_COOKIE, readCookie, sessionCookieHeader } from './admin-auth.js';
import type { AdminCaller } from './admin-auth.js';
import type { GatewayDeps } from './deps.js';
import { readBody, sendJson } from './http.js';

const DASHBOARD_DIR = fileURLToPath(new URL('../../src/dashboard/', import.meta.url));
const require = createRequire(import.meta.url);

interface Asset {
  file: string;
  type: string;
}

const ASSETS: Record<string, Asset> = {
  '/dashboard': { file: `${DASHBOARD_DIR}index.html`, type: 'text/html; charset=utf-8' },
  '/dashboard/assets/app.js': { file: `${DASHBOARD_DIR}app.js`, type: 'text/javascript; charset=utf-8' },
  '/dashboard/assets/style.css': { file: `${DASHBOARD_DIR}style.css`, type: 'text/css; charset=utf-8' },
  // uPlot (MIT, leeoniya/uPlot): the chart library, served as shipped in its npm package.
  '/dashboard/assets/uplot.js': { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard/assets/uplot.css': { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * Only the page's own files: no inline script or style, no framing, no other origin. uPlot styles
 * its elements through the DOM (allowed); it never injects markup or style sheets.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const loaded = new Map<string, { body: Buffer; etag: string }>();

function load(asset: Asset): { body: Buffer; etag: string } {
  let entry = loaded.get(asset.file);
  if (!entry) {
    const body = readFileSync(asset.file);
    entry = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
    loaded.set(asset.file, entry);
  }
  return entry;
}

export function isDashboardPath(path: string): boolean {
  return path === '/dashboard' || path.startsWith('/dashboard/');
}

function sessionView(caller: AdminCaller): unknown {
  const v = caller.viewer;
  return {
    object: 'dashboard.session',
    role: v.role,
    organization: v.role === 'organization' ? { id: v.orgId, name: v.orgName } : null,
    csrf_token: caller.session?.csrf ?? null,
  };
}

async function handleSession(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const auth = deps.admin.auth;
  const secure = deps.config.publicUrl.startsWith('https:');
  switch (req.method) {
    case 'GET':
      return sendJson(res, 200, sessionView(await auth.caller(req)), { 'cache-control': 'no-store' });
    case 'POST': {
      let token: unknown;
      try {
        token = (JSON.parse((await readBody(req, 16 * 1024)).toString('utf8')) as { token?: unknown }).token;
      } catch {
        throw new FlexError('invalid_json', { detail: 'Send {"token": "<admin token or API key>"}.' });
      }
      if (typeof token !== 'string' || token.trim() === '') throw new FlexError('invalid_admin_token', { detail: 'No token was given.' });
      const { cookie, caller } = await auth.signIn(req, token.trim());
      return sendJson(res, 200, sessionView(caller), { 'set-cookie': sessionCookieHeader(cookie, secure), 'cache-control': 'no-store' });
    }
    case 'DELETE': {
      // Signing out needs the page's anti-forgery token too, when a session exists.
      if (readCookie(req, SESSION_COOKIE) !== undefined) {
        try {
          auth.checkForgery(req, await auth.caller(req));
        } catch (err) {
          if (!(err instanceof FlexError) || err.code !== 'invalid_admin_token') throw err;
        }
      }
      return sendJson(res, 200, { object: 'dashboard.session', signed_out: true }, { 'set-cookie': sessionCookieHeader('', secure) });
    }
    default:
      throw new FlexError('method_not_allowed', { detail: '/dashboard/session takes GET, POST and DELETE.' });
  }
}

export async function handleDashboard(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (path === '/dashboard/session') return handleSession(deps, req, res);
  const name = path === '/dashboard/' ? '/dashboard' : path;
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) throw new FlexError('not_found', { detail: `No dashboard file ${path.slice(0, 200)}.` });
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new FlexError('method_not_allowed');
  const { body, etag } = load(asset);
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': asset.type,
    etag,
    // The page is tiny and always fresh; assets are revalidated by their ETag.
    'cache-control': asset.type.startsWith('text/html') ? 'no-store' : 'no-cache',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}


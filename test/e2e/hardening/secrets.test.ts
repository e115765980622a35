// Provider keys never reach a caller or a log line, whatever their format: an upstream that quotes
// the key it was sent (as OpenAI's "Incorrect API key provided: …" does) is answered without it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMasterKey } from '../../../src/server/provider-keys.js';
import { seal } from '../../../src/store/secrets.js';
import type { Harness } from '../harness.js';
import { post, startHarness } from '../harness.js';

// Formats no pattern would recognise as a key.
const DEPLOYMENT = { openai: 'corp-vault/openai/7Hq9xZ2m4KpQ', gemini: 'gm.deploy.Q4v8Lm2Rt6Yw', anthropic: 'ant_deploy_Zx81Kw3Pq0Ls' };
const ORG_OWN = { openai: 'org-own:Bq73Xv0PlMn2', gemini: 'org-own-gemini-9Yt5Rr2Ee', anthropic: 'org-own-anthropic-W3e4R5t6' };

/** The key a request carried, in whichever header its provider uses. */
function keyOf(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') return auth.replace(/^Bearer /, '');
  return String(req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? '');
}

/** Every key the upstream was sent. */
const seenKeys = new Set<string>();

/** An upstream that refuses every key and quotes it back, per provider wire format. */
function startEchoingUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const key = keyOf(req);
      seenKeys.add(key);
      if (req.url === '/v1/responses' && text.includes('[after start]')) {
        // Streamed: a started response, then an in-stream error quoting the key.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const created = { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response', status: 'in_progress', model: 'gpt-5-mini', output: [] } };
        res.write(`event: response.created\ndata: ${JSON.stringify(created)}\n\n`);
        const error = { type: 'error', sequence_number: 1, code: 'server_error', message: `Upstream proxy rejected credential ${key} after start`, param: null };
        res.end(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
        return;
      }
      const bodies: Record<string, [number, unknown]> = {
        '/v1/messages': [401, { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${key}` } }],
        '/v1beta/interactions': [400, { error: { code: 400, message: `API key not valid: ${key}`, status: 'INVALID_ARGUMENT' } }],
      };
      const [status, body] = bodies[req.url ?? ''] ?? [401, { error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('provider keys are removed from upstream error text by their values', () => {
  let upstream: Server;
  let h: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    upstream = await startEchoingUpstream();
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    h = await startHarness({
      env: {
        OPENAI_BASE_URL: `${base}/v1`, OPENAI_API_KEY: DEPLOYMENT.openai,
        GEMINI_BASE_URL: base, GEMINI_API_KEY: DEPLOYMENT.gemini,
        ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: DEPLOYMENT.anthropic,
      },
      gateway: { log: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }) },
    });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((r) => upstream.close(r));
  });

  const ask = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    post(`${h.url}${path}`, JSON.stringify(body), { authorization: `Bearer ${h.key}`, ...headers });
  const calls = [
    { provider: 'openai', send: () => ask('/v1/chat/completions', { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], start_within: 'default' }) },
    { provider: 'gemini', send: () => ask('/v1/interactions', { model: 'gemini-2.5-flash', input: 'hi', start_within: 'default' }) },
    { provider: 'anthropic', send: () => ask('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], start_within: 'default' }) },
  ] as const;

  function expectClean(text: string, keys: readonly string[]): void {
    for (const key of keys) expect(text).not.toContain(key);
    expect(text).toContain('[redacted]');
  }

  it.each(calls)('deployment key: $provider error answers do not quote it', async ({ provider, send }) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expectClean(res.text, Object.values(DEPLOYMENT));
    expect(logLines.join('\n')).not.toContain(DEPLOYMENT[provider]);
  });

  it('an in-stream error after the stream started does not quote the key either', async () => {
    const res = await ask('/v1/chat/completions', { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi [after start]' }], stream: true, start_within: 'default' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('after start');
    expectClean(res.text, Object.values(DEPLOYMENT));
    expect(logLines.join('\n')).not.toContain(DEPLOYMENT.openai);
  });

  it("the organization's own keys: error answers do not quote them", async () => {
    const org = (await h.gateway.deps.store.findOrganization('e2e'))!;
    const master = resolveMasterKey(h.gateway.deps.config);
    for (const [provider, key] of Object.entries(ORG_OWN)) await h.gateway.deps.store.setProviderKey(org.id, provider as keyof typeof ORG_OWN, seal(key, master));
    // Key lookups are cached briefly: ask until the organization's keys are the ones sent.
    await expect.poll(async () => {
      for (const { send } of calls) expectClean((await send()).text, Object.values(ORG_OWN));
      return Object.values(ORG_OWN).every((key) => seenKeys.has(key));
    }, { timeout: 10_000, interval: 200 }).toBe(true);
    expect(logLines.join('\n')).not.toMatch(/org-own/);
  });
});

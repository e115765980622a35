// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the real
// gateway and emulator: sign in, watch savings appear after real requests, manage keys, and see
// revocation and budgets take effect on the request path. Screenshots go to FLEX_SCREENSHOT_DIR
// (default: a temporary directory, printed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Harness } from '../e2e/harness.js';
import { startHarness } from '../e2e/harness.js';

const CHROMIUM = process.env.FLEX_CHROMIUM ?? '/usr/bin/chromium';
const ADMIN = 'flex_admin_browser_test_0123456789abcdef';
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM} (install it with: apt-get install -y chromium)`);
}

let h: Harness;
const profiles: string[] = [];
const shots = process.env.FLEX_SCREENSHOT_DIR ?? join(tmpdir(), 'flexinference-dashboard-screens');

/** Console errors and Content-Security-Policy violations the page reported. */
const problems: string[] = [];

/** A fresh Chromium with its own new profile (nothing shared with another test or user). */
async function openBrowser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'flexinf-chromium-'));
  profiles.push(profile);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => {
    // 401 (the refused sign-in) and 403 (the forged change) are answers the tests provoke.
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403)/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${h.url}/dashboard`);
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
}

const respond = (key: string, startWithin: string) =>
  fetch(`${h.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5-mini', input: 'hello from the browser test', start_within: startWithin }),
  });

describe.skipIf(!available)('dashboard in Chromium', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    console.info(`dashboard screenshots: ${shots}`);
    h = await startHarness({ env: { FLEX_ADMIN_TOKEN: ADMIN } });
    context = await openBrowser();
    page = await newPage(context);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await h?.close();
    for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
  });

  it('refuses a wrong token, then signs in with the admin token', async () => {
    await signIn(page, 'flex_admin_not_the_token');
    await expect.poll(() => page.textContent('#status')).toMatch(/Sign-in failed: .*admin token/);
    expect(await page.isVisible('#dashboard-view')).toBe(false);
    await shot(page, '01-sign-in-refused');
    await signIn(page, ADMIN);
    await page.waitForSelector('#dashboard-view', { state: 'visible' });
    expect(await page.textContent('#who')).toBe('admin');
    // The token is not in the page, and the session cookie is out of the script's reach.
    expect(await page.content()).not.toContain(ADMIN);
    expect(await page.evaluate('document.cookie')).not.toContain('flex_dashboard');
  });

  let key = '';
  it('creates an organization and a key from the page', async () => {
    await page.fill('#org-name', 'browser-org');
    await page.click('#org-form button[type=submit]');
    await expect.poll(() => page.$eval('#org-select', (s: { selectedOptions: ArrayLike<{ textContent: string | null }> }) => s.selectedOptions[0]?.textContent)).toBe('browser-org');
    await page.fill('#key-name', 'nightly evals');
    await page.fill('#key-start', '00h-00m-30s');
    await page.click('#key-submit');
    await page.waitForSelector('#new-key', { state: 'visible' });
    key = (await page.textContent('#new-key-value'))!.trim();
    expect(key).toMatch(/^flex_live_[0-9a-f]{30}$/);
    await expect.poll(() => page.textContent('#keys-table tbody')).toContain('nightly evals');
    expect(await page.textContent('#keys-table tbody')).toContain('start_within 00h-00m-30s');
    expect(await page.textContent('#keys-table tbody')).not.toContain(key);
    await shot(page, '02-key-created');
  });

  it('shows the savings chart, flex share, routes and recent requests after real requests with that key', async () => {
    // The key's default start_within makes these flex requests without the field.
    const client = new OpenAI({ apiKey: key, baseURL: `${h.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 6; i++) {
      await client.responses.create({ model: i % 2 ? 'gpt-5-mini' : 'gemini-2.5-flash', input: `request ${i}` });
    }
    await client.responses.create({ model: 'gpt-5-mini', input: 'standard one', start_within: 'default' } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    await h.gateway.deps.ledger.flush();
    await page.selectOption('#range-select', 'hour');
    // Changing the range redraws only the chart; wait for the refresh to have loaded every panel.
    const loadedBefore = await page.getAttribute('body', 'data-loaded');
    await page.click('#refresh');
    await expect.poll(() => page.getAttribute('body', 'data-loaded')).not.toBe(loadedBefore);
    expect(await page.getAttribute('#savings-chart', 'data-points')).toBe('1');
    expect(Number(await page.getAttribute('#savings-chart', 'data-total-saving'))).toBeGreaterThan(0);
    expect(await page.$('#savings-chart canvas')).not.toBeNull();
    expect(await page.textContent('#kpi-flex')).toBe('85.7 %');
    expect(await page.textContent('#kpi-requests')).toBe('6 of 7 requests');
    expect(await page.textContent('#kpi-deadline')).toBe('100.0 %');
    expect(await page.textContent('#routes-table tbody')).toContain('flex_admitted');
    expect(await page.textContent('#models-table tbody')).toContain('gemini-2.5-flash');
    const recent = await page.textContent('#requests-table tbody');
    expect(recent).toContain('Flex started after');
    expect(recent).toContain('asks for the standard tier directly');
    await shot(page, '03-savings');
  }, 60_000);

  it('revokes the key from the page, and the gateway refuses it', async () => {
    expect((await respond(key, 'default')).status).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`#keys-table tr:has-text("nightly evals") button:has-text("Revoke")`);
    await expect.poll(() => page.textContent('#keys-table tbody')).toContain('revoked');
    const refused = await respond(key, 'default');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    await shot(page, '04-revoked');
  });

  it('sets a budget from the page, and the gateway answers 429 budget_exceeded', async () => {
    await page.fill('#key-name', 'budgeted');
    await page.click('#key-submit');
    await expect.poll(() => page.textContent('#new-key-value')).not.toBe(key);
    const budgeted = (await page.textContent('#new-key-value'))!.trim();
    expect((await respond(budgeted, 'default')).status).toBe(200); // spends a little
    await page.click(`#keys-table tr:has-text("budgeted") button:has-text("Settings")`);
    await page.fill('#key-budget', '0.000001');
    await page.click('#key-submit');
    await expect.poll(() => page.textContent('#keys-table tbody')).toContain('budget $0.000001/month');
    const refused = await respond(budgeted, 'default');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exceeded');
    expect(body.error.message).toMatch(/resets at \d{4}-\d{2}-01T00:00:00\.000Z/);
    await shot(page, '05-budget');
  });

  it('a change without the page\'s anti-forgery token is refused, even with the session cookie', async () => {
    const status = await page.evaluate(
      "fetch('/admin/v1/organizations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{\"name\":\"forged\"}' }).then((r) => r.status)",
    );
    expect(status).toBe(403);
    const res = await fetch(`${h.url}/dashboard`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
  });

  it('an organization key signs in read-only and sees only its organization', async () => {
    const other = await h.gateway.deps.admin.operations.createKey({ role: 'admin' }, 'e2e', {});
    expect((await respond(other.key, 'default')).status).toBe(200);
    await h.gateway.deps.ledger.flush();
    const orgContext = await openBrowser();
    try {
      const orgPage = await newPage(orgContext);
      await signIn(orgPage, other.key);
      await orgPage.waitForSelector('#dashboard-view', { state: 'visible', timeout: 10_000 }).catch(async (err: unknown) => {
        await shot(orgPage, '06-org-sign-in-failed');
        throw new Error(`${String(err)}; the page says: ${await orgPage.textContent('#status')}`);
      });
      expect(await orgPage.textContent('#who')).toBe('e2e · read-only');
      await expect.poll(() => orgPage.getAttribute('body', 'data-loaded')).not.toBeNull();
      expect(await orgPage.isVisible('#key-form')).toBe(false);
      expect(await orgPage.isVisible('#org-form')).toBe(false);
      const keys = await orgPage.textContent('#keys-table tbody');
      expect(keys).not.toContain('browser-org');
      expect(await orgPage.textContent('#kpi-requests')).toMatch(/of 1 requests$/);
      expect(await orgPage.content()).not.toContain(other.key);
      await shot(orgPage, '06-org-read-only');
    } finally {
      await orgContext.close();
    }
  }, 60_000);

  it('the page reported no script error and no Content-Security-Policy violation', () => {
    expect(problems).toEqual([]);
  });
});

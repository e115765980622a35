// The dashboard page: plain browser JavaScript, no build step. It talks to the admin API with the
// session cookie the sign-in set (HttpOnly; this script never holds a token) and sends the
// session's anti-forgery token on every change. Everything shown is set as text, never as HTML.

const $ = (id) => document.getElementById(id);
const state = { role: null, organization: null, csrf: null, orgs: [], cursor: null, chart: null };

const usd = (n) => (Math.abs(n) >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(Math.abs(n) >= 0.01 ? 4 : 6)}`);
const pct = (n) => (n === null || n === undefined ? '–' : `${(n * 100).toFixed(1)} %`);
const ms = (n) => (n === null || n === undefined ? '–' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);
const time = (iso) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function show(message, isError = false) {
  const status = $('status');
  status.textContent = message;
  status.className = isError ? 'error' : '';
  status.hidden = !message;
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['x-flexinference-csrf'] = state.csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (res.status === 401 && path !== '/dashboard/session') {
    signedOut('Your session has ended; sign in again.');
    throw new Error('signed out');
  }
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

function query(extra = {}) {
  const params = new URLSearchParams(extra);
  const org = $('org-select').value;
  if (org) params.set('organization', org);
  return params.toString();
}

// ---- session ----

function signedIn(session) {
  state.role = session.role;
  state.organization = session.organization;
  state.csrf = session.csrf_token;
  $('who').textContent = session.role === 'admin' ? 'admin' : `${session.organization.name} · read-only`;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in-view').hidden = true;
  $('dashboard-view').hidden = false;
  document.body.classList.toggle('read-only', session.role !== 'admin');
  $('org-filter').hidden = session.role !== 'admin';
  void loadAll();
}

function signedOut(message) {
  Object.assign(state, { role: null, organization: null, csrf: null });
  $('who').hidden = true;
  $('sign-out').hidden = true;
  $('dashboard-view').hidden = true;
  $('sign-in-view').hidden = false;
  show(message ?? '', Boolean(message));
}

$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  try {
    signedIn(await api('POST', '/dashboard/session', { token }));
    show('');
  } catch (err) {
    show(`Sign-in failed: ${err.message}`, true);
  }
});

$('sign-out').addEventListener('click', async () => {
  await api('DELETE', '/dashboard/session').catch(() => undefined);
  signedOut();
});

// ---- data ----

async function loadOrgs() {
  const { data } = await api('GET', '/admin/v1/organizations');
  state.orgs = data;
  const select = $('org-select');
  const current = select.value;
  select.replaceChildren(el('option', { value: '', text: 'All organizations' }), ...data.map((o) => el('option', { value: o.id, text: o.name })));
  select.value = data.some((o) => o.id === current) ? current : '';
  const table = $('orgs-table').tBodies[0];
  table.replaceChildren(
    ...data.map((o) =>
      el('tr', {}, el('td', { text: o.name }), el('td', { text: o.id }), el('td', { text: time(o.created_at) }),
        el('td', {}, el('button', { class: 'danger', text: 'Delete', onclick: () => deleteOrg(o) })))),
  );
}

async function loadSummary() {
  const s = await api('GET', `/admin/v1/usage/summary?${query()}`);
  const t = s.total;
  $('kpi-saving').textContent = usd(t.saving_usd);
  $('kpi-saving-share').textContent = t.standard_spend_usd > 0 ? `${pct(t.saving_usd / t.standard_spend_usd)} of the standard price` : '';
  $('kpi-spend').textContent = usd(t.spend_usd);
  $('kpi-standard').textContent = `${usd(t.standard_spend_usd)} at standard prices`;
  $('kpi-flex').textContent = pct(t.flex_share);
  $('kpi-requests').textContent = `${t.flex_served} of ${t.requests} requests`;
  $('kpi-deadline').textContent = pct(t.deadline_hit_rate);
  $('kpi-deadline-count').textContent = `${t.deadline_hits} of ${t.deadline_requests} with a deadline`;
  const routes = Object.entries(s.by_route).sort((a, b) => b[1].requests - a[1].requests);
  $('routes-table').tBodies[0].replaceChildren(
    ...routes.map(([route, g]) =>
      el('tr', {}, el('td', { text: route }), el('td', { class: 'num', text: String(g.requests) }),
        el('td', { class: 'num', text: pct(t.requests ? g.requests / t.requests : 0) }), el('td', { class: 'num', text: usd(g.saving_usd) }))),
  );
  const models = Object.entries(s.by_model).sort((a, b) => b[1].requests - a[1].requests);
  $('models-table').tBodies[0].replaceChildren(
    ...models.map(([model, g]) =>
      el('tr', {}, el('td', { text: model }), el('td', { class: 'num', text: String(g.requests) }), el('td', { class: 'num', text: pct(g.flex_share) }),
        el('td', { class: 'num', text: pct(g.deadline_hit_rate) }), el('td', { class: 'num', text: usd(g.spend_usd) }), el('td', { class: 'num', text: usd(g.saving_usd) }))),
  );
}

async function loadSeries() {
  const bucket = $('range-select').value;
  const s = await api('GET', `/admin/v1/usage/series?${query({ bucket })}`);
  const container = $('savings-chart');
  const xs = [];
  const saving = [];
  const cumulative = [];
  const spend = [];
  let total = 0;
  for (const p of s.data) {
    xs.push(Date.parse(p.start) / 1000);
    saving.push(p.saving_usd);
    spend.push(p.spend_usd);
    total += p.saving_usd;
    cumulative.push(total);
  }
  container.dataset.points = String(xs.length);
  container.dataset.totalSaving = String(total);
  $('chart-empty').hidden = xs.length > 0;
  state.chart?.destroy();
  state.chart = null;
  if (xs.length === 0 || typeof uPlot === 'undefined') return;
  const fmt = (v) => (v === null || v === undefined ? '–' : usd(v));
  // The whole period on the x axis, even when only a few buckets have traffic.
  const from = Date.parse(s.since) / 1000;
  const to = (s.until ? Date.parse(s.until) : Date.now()) / 1000;
  state.chart = new uPlot(
    {
      width: Math.max(320, container.clientWidth),
      height: 280,
      scales: { x: { time: true, range: [Math.min(from, xs[0]), Math.max(to, xs[xs.length - 1] + (bucket === 'hour' ? 3600 : 86400))] } },
      series: [
        {},
        { label: `Saving per ${bucket}`, stroke: '#1a7f37', fill: 'rgba(26,127,55,0.12)', width: 2, value: (_, v) => fmt(v), paths: uPlot.paths.bars({ size: [0.6, 40] }) },
        { label: 'Saving, cumulative', stroke: '#1f6feb', width: 2, value: (_, v) => fmt(v), points: { show: xs.length < 60 } },
        { label: `Spend per ${bucket}`, stroke: '#9a6700', width: 1, dash: [4, 4], value: (_, v) => fmt(v) },
      ],
      axes: [{}, { values: (_, ticks) => ticks.map((v) => usd(v)), size: 90 }],
    },
    [xs, saving, cumulative, spend],
    container,
  );
}

function requestRow(r) {
  const hit = r.deadline_hit === null ? '' : r.deadline_hit ? ' ✓' : ' ✗';
  return el('tr', {},
    el('td', { text: time(r.created_at) }),
    el('td', { text: r.model }),
    el('td', { text: r.start_within }),
    el('td', { class: r.served_tier === 'flex' ? 'tier-flex' : '', text: r.served_tier ?? r.status }),
    el('td', {}, el('span', { text: r.route }), el('span', { class: 'why', text: r.route_explanation })),
    el('td', { class: `num ${r.deadline_hit === null ? '' : r.deadline_hit ? 'hit' : 'miss'}`, text: ms(r.first_byte_ms) + hit }),
    el('td', { class: 'num', text: usd(r.cost_usd) }),
    el('td', { class: 'num', text: usd(r.saving_usd) }));
}

async function loadRequests(more = false) {
  const params = { limit: '25' };
  if (more && state.cursor) params.cursor = state.cursor;
  const page = await api('GET', `/admin/v1/usage/requests?${query(params)}`);
  const body = $('requests-table').tBodies[0];
  const rows = page.data.map(requestRow);
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  state.cursor = page.next_cursor;
  $('more-requests').hidden = !page.has_more;
  $('csv-link').href = `/admin/v1/usage/requests.csv?${query()}`;
}

function describeSettings(s) {
  const parts = [];
  if (s.default_start_within) parts.push(`start_within ${s.default_start_within}`);
  if (s.allowed_models) parts.push(`models ${s.allowed_models.join(', ')}`);
  if (s.requests_per_minute !== null) parts.push(`${s.requests_per_minute}/min`);
  if (s.monthly_budget_usd !== null) parts.push(`budget $${s.monthly_budget_usd}/month`);
  return parts.join(' · ') || '–';
}

async function loadKeys() {
  const { data } = await api('GET', `/admin/v1/keys?${query()}`);
  $('keys-table').tBodies[0].replaceChildren(
    ...data.map((k) => {
      const actions = el('td');
      if (state.role === 'admin' && k.status === 'active') {
        actions.append(el('button', { class: 'link small', text: 'Settings', onclick: () => editKey(k) }),
          el('button', { class: 'danger', text: 'Revoke', onclick: () => revokeKey(k) }));
      }
      return el('tr', { 'data-key-id': k.id }, el('td', {}, el('code', { text: `${k.prefix}…` })), el('td', { text: k.name ?? '–' }),
        el('td', { text: k.organization }), el('td', { text: k.status }), el('td', { text: describeSettings(k.settings) }), actions);
    }),
  );
}

async function loadProviderKeys() {
  const { data } = await api('GET', `/admin/v1/provider-keys?${query()}`);
  const names = new Map(state.orgs.map((o) => [o.id, o.name]));
  $('provider-keys-table').tBodies[0].replaceChildren(
    ...data.map((p) =>
      el('tr', {}, el('td', { text: names.get(p.organization_id) ?? p.organization_id }), el('td', { text: p.provider }),
        el('td', {}, el('code', { text: `…${p.last_four}` })), el('td', { text: time(p.updated_at) }),
        el('td', {}, state.role === 'admin' ? el('button', { class: 'danger', text: 'Delete', onclick: () => deleteProviderKey(p) }) : ''))),
  );
}

async function loadAll() {
  try {
    await loadOrgs();
    await Promise.all([loadSummary(), loadSeries(), loadRequests(), loadKeys(), state.role === 'admin' ? loadProviderKeys() : Promise.resolve()]);
    document.body.dataset.loaded = String(Date.now());
  } catch (err) {
    if (err.message !== 'signed out') show(err.message, true);
  }
}

// ---- changes (admin only) ----

function selectedOrg(action) {
  const org = $('org-select').value;
  if (!org) show(`Choose an organization above to ${action}.`, true);
  return org;
}

function settingsFromForm() {
  const text = (id) => $(id).value.trim();
  const number = (id) => (text(id) === '' ? null : Number(text(id)));
  const models = text('key-models');
  return {
    default_start_within: text('key-start') || null,
    allowed_models: models ? models.split(',').map((m) => m.trim()).filter(Boolean) : null,
    requests_per_minute: number('key-rpm'),
    monthly_budget_usd: number('key-budget'),
  };
}

function resetKeyForm() {
  $('key-form').reset();
  $('key-id').value = '';
  $('key-form-title').textContent = 'Create a key';
  $('key-submit').textContent = 'Create key';
  $('key-cancel').hidden = true;
  $('key-name-label').hidden = false;
}

function editKey(k) {
  $('key-id').value = k.id;
  $('key-start').value = k.settings.default_start_within ?? '';
  $('key-models').value = (k.settings.allowed_models ?? []).join(', ');
  $('key-rpm').value = k.settings.requests_per_minute ?? '';
  $('key-budget').value = k.settings.monthly_budget_usd ?? '';
  $('key-form-title').textContent = `Settings of ${k.prefix}…`;
  $('key-submit').textContent = 'Save settings';
  $('key-cancel').hidden = false;
  $('key-name-label').hidden = true;
  $('key-start').focus();
}

$('key-cancel').addEventListener('click', resetKeyForm);

$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const id = $('key-id').value;
    if (id) {
      await api('PATCH', `/admin/v1/keys/${encodeURIComponent(id)}`, { settings: settingsFromForm() });
      show('Settings saved.');
    } else {
      const org = selectedOrg('create a key');
      if (!org) return;
      const created = await api('POST', `/admin/v1/organizations/${encodeURIComponent(org)}/keys`, { name: $('key-name').value.trim() || null, settings: settingsFromForm() });
      $('new-key-value').textContent = created.key;
      $('new-key').hidden = false;
      show('');
    }
    resetKeyForm();
    await loadKeys();
  } catch (err) {
    show(err.message, true);
  }
});

async function revokeKey(k) {
  if (!window.confirm(`Revoke ${k.prefix}…? Requests with it are refused from now on.`)) return;
  try {
    await api('DELETE', `/admin/v1/keys/${encodeURIComponent(k.id)}`);
    show(`Revoked ${k.prefix}….`);
    await loadKeys();
  } catch (err) {
    show(err.message, true);
  }
}

$('provider-key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const org = selectedOrg('set a provider key');
  if (!org) return;
  const key = $('provider-secret').value;
  $('provider-secret').value = '';
  try {
    const stored = await api('PUT', `/admin/v1/organizations/${encodeURIComponent(org)}/provider-keys/${$('provider-select').value}`, { key });
    show(`Saved the ${stored.provider} key …${stored.last_four}.`);
    await loadProviderKeys();
  } catch (err) {
    show(err.message, true);
  }
});

async function deleteProviderKey(p) {
  if (!window.confirm(`Delete the ${p.provider} key …${p.last_four}?`)) return;
  try {
    await api('DELETE', `/admin/v1/organizations/${encodeURIComponent(p.organization_id)}/provider-keys/${p.provider}`);
    await loadProviderKeys();
  } catch (err) {
    show(err.message, true);
  }
}

$('org-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const org = await api('POST', '/admin/v1/organizations', { name: $('org-name').value.trim() });
    $('org-form').reset();
    await loadOrgs();
    $('org-select').value = org.id;
    await loadAll();
  } catch (err) {
    show(err.message, true);
  }
});

async function deleteOrg(o) {
  if (!window.confirm(`Delete organization ${o.name} with all its API keys and provider keys?`)) return;
  try {
    await api('DELETE', `/admin/v1/organizations/${encodeURIComponent(o.id)}`);
    await loadAll();
  } catch (err) {
    show(err.message, true);
  }
}

$('org-select').addEventListener('change', () => void loadAll());
$('range-select').addEventListener('change', () => void loadSeries().catch((err) => show(err.message, true)));
$('refresh').addEventListener('click', () => void loadAll());
$('more-requests').addEventListener('click', () => void loadRequests(true).catch((err) => show(err.message, true)));

// A session that is still valid (the cookie) signs in without asking again.
api('GET', '/dashboard/session').then(signedIn, () => signedOut());

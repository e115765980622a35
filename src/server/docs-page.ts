// GET /docs/errors: the error catalog as one HTML page with an anchor per code.
import { ERROR_CATALOG, ERROR_CODES } from '../errors/catalog.js';

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export const CHECK_ORDER = ['auth', 'size', 'JSON', 'model', 'start_within', 'field rules', 'provider key'];

export function renderErrorsPage(): string {
  const rows = ERROR_CODES.map((code) => {
    const e = ERROR_CATALOG[code];
    const example = 'example' in e ? `<p><b>Example:</b> <code>${escape(e.example)}</code></p>` : '';
    return `<section id="${code}"><h2><a href="#${code}">${code}</a> <small>HTTP ${e.status} · ${e.type}</small></h2>
<p>${escape(e.title)}</p><p><b>Rule:</b> ${escape(e.rule)}</p><p><b>Fix:</b> ${escape(e.fix)}</p>${example}</section>`;
  }).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>FlexInference errors</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd;padding:.5rem 0}small{color:#666;font-weight:normal}code{background:#f4f4f4;padding:0 .2rem}</style>
</head><body><h1>FlexInference error catalog</h1>
<p>Every error names its <code>code</code>; OpenAI-shaped errors link here through <code>doc_url</code>.
Requests are checked in this fixed order, and the first failing check answers: ${CHECK_ORDER.map((s) => `<b>${escape(s)}</b>`).join(' → ')}.
Provider errors keep the provider's HTTP status, message and code.</p>
${rows}
</body></html>`;
}

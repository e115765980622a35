// Responses `web_search` / `web_search_preview` tools (and Chat `web_search_options`) → the canonical web search tool, which every
// provider runs (docs/product.md §6): OpenAI gets the caller's tool verbatim, Anthropic its web
// search server tool, Gemini `google_search`.
// https://platform.openai.com/docs/guides/tools-web-search
import type { UserLocation, WebSearchTool } from '../canonical/types.js';
import { expectArray, expectObject, expectOneOf, expectString, isUnset, optString } from './fields.js';
import type { JsonObject } from './fields.js';

export const WEB_SEARCH_TOOLS: ReadonlySet<string> = new Set([
  'web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11',
]);

/**
 * One web search tool. Fields OpenAI may add later are not refused: they stay in `raw` for OpenAI,
 * and a provider that cannot honour them says so in a warning.
 */
export function decodeWebSearchTool(tool: JsonObject, path: string): WebSearchTool {
  const out: WebSearchTool = { field: path, raw: { provider: 'openai', tool } };
  if (!isUnset(tool.filters)) {
    const filters = expectObject(tool.filters, `${path}.filters`);
    if (!isUnset(filters.allowed_domains)) out.allowedDomains = domains(filters.allowed_domains, `${path}.filters.allowed_domains`);
    if (!isUnset(filters.blocked_domains)) out.blockedDomains = domains(filters.blocked_domains, `${path}.filters.blocked_domains`);
  }
  if (!isUnset(tool.search_context_size)) {
    out.contextSize = expectOneOf(tool.search_context_size, `${path}.search_context_size`, ['low', 'medium', 'high'] as const);
  }
  const location = decodeUserLocation(tool.user_location, `${path}.user_location`);
  if (location !== undefined) out.userLocation = location;
  return out;
}

function domains(value: unknown, path: string): string[] {
  return expectArray(value, path).map((d, i) => expectString(d, `${path}[${i}]`));
}

/** `{type:"approximate", city, region, country, timezone}`; the Chat form nests them in `approximate`. */
export function decodeUserLocation(value: unknown, path: string): UserLocation | undefined {
  if (isUnset(value)) return undefined;
  const raw = expectObject(value, path);
  if (!isUnset(raw.type)) expectOneOf(raw.type, `${path}.type`, ['approximate'] as const);
  const location: UserLocation = {};
  for (const key of ['city', 'region', 'country', 'timezone'] as const) {
    const v = optString(raw[key], `${path}.${key}`);
    if (v !== undefined) location[key] = v;
  }
  return Object.keys(location).length === 0 ? undefined : location;
}

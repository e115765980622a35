// Anthropic's web search server tool on /v1/messages → the canonical web search tool, which every
// provider runs (docs/product.md §6): Anthropic gets the tool as sent, OpenAI `web_search`, Gemini
// `google_search`. https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool
import type { UserLocation, WebSearchTool } from '../../canonical/types.js';
import { expectArray, expectObject, expectOneOf, expectString, invalid, isUnset, optNumber, optString } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { refuseCacheControl, refuseUnknownMessagesKeys } from './fields.js';

export const WEB_SEARCH_TYPES: ReadonlySet<string> = new Set(['web_search_20250305', 'web_search_20260209']);

const KEYS = new Set(['type', 'name', 'max_uses', 'allowed_domains', 'blocked_domains', 'user_location', 'cache_control', 'strict', 'defer_loading', 'allowed_callers']);

export function decodeWebSearchTool(tool: JsonObject, param: string): WebSearchTool {
  refuseUnknownMessagesKeys(tool, KEYS, param);
  refuseCacheControl(tool, param);
  if (expectString(tool.name, `${param}.name`) !== 'web_search') {
    throw invalid(`${param}.name`, `\`${param}.name\` must be "web_search" for a ${String(tool.type)} tool.`);
  }
  const out: WebSearchTool = { field: param, raw: { provider: 'anthropic', tool } };
  const maxUses = optNumber(tool.max_uses, `${param}.max_uses`, { integer: true, min: 1 });
  if (maxUses !== undefined) out.maxUses = maxUses;
  if (!isUnset(tool.allowed_domains)) out.allowedDomains = domains(tool.allowed_domains, `${param}.allowed_domains`);
  if (!isUnset(tool.blocked_domains)) out.blockedDomains = domains(tool.blocked_domains, `${param}.blocked_domains`);
  const location = userLocation(tool.user_location, `${param}.user_location`);
  if (location !== undefined) out.userLocation = location;
  return out;
}

function domains(value: unknown, param: string): string[] {
  return expectArray(value, param).map((d, i) => expectString(d, `${param}.${i}`));
}

function userLocation(value: unknown, param: string): UserLocation | undefined {
  if (isUnset(value)) return undefined;
  const raw = expectObject(value, param);
  refuseUnknownMessagesKeys(raw, new Set(['type', 'city', 'region', 'country', 'timezone']), param);
  expectOneOf(raw.type, `${param}.type`, ['approximate'] as const);
  const location: UserLocation = {};
  for (const key of ['city', 'region', 'country', 'timezone'] as const) {
    const v = optString(raw[key], `${param}.${key}`);
    if (v !== undefined) location[key] = v;
  }
  return Object.keys(location).length === 0 ? undefined : location;
}

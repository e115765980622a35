// The canonical web search tool → Gemini's Grounding with Google Search (the Interactions
// `google_search` tool, which takes only `search_types`).
// https://ai.google.dev/gemini-api/docs/google-search
import type { WebSearchTool } from '../../canonical/types.js';
import type { Warn } from '../warnings.js';
import { warnUncarried } from '../web-search.js';
import type { WireGoogleSearchTool } from './wire.js';

/** The caller's own tool when it wrote Gemini's; else `google_search`, every setting reported dropped. */
export function convertWebSearch(tool: WebSearchTool, warn: Warn): WireGoogleSearchTool {
  if (tool.raw?.provider === 'gemini') return tool.raw.tool as unknown as WireGoogleSearchTool;
  const dropped: [string, unknown][] = [
    ['max_uses', tool.maxUses],
    ['filters.allowed_domains', tool.allowedDomains],
    ['filters.blocked_domains', tool.blockedDomains],
    ['user_location', tool.userLocation],
    ['search_context_size', tool.contextSize],
  ];
  for (const [name, value] of dropped) {
    if (value !== undefined) warn('web_search_changed', `${tool.field}.${name}`, `Gemini's google_search tool has no \`${name}\`; it was not sent.`);
  }
  warnUncarried(tool, 'Gemini', warn);
  return { type: 'google_search' };
}

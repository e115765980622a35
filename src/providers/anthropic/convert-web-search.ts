// The canonical web search tool → Anthropic's web search server tool.
// https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool
import type { WebSearchTool } from '../../canonical/types.js';
import type { Warn } from '../warnings.js';
import { warnUncarried } from '../web-search.js';
import type { AnthropicWebSearchTool } from './wire.js';

/** The caller's own tool when it wrote Anthropic's; else the settings Anthropic has, the rest reported. */
export function convertWebSearch(tool: WebSearchTool, warn: Warn): AnthropicWebSearchTool {
  if (tool.raw?.provider === 'anthropic') return tool.raw.tool as unknown as AnthropicWebSearchTool;
  const out: AnthropicWebSearchTool = { type: 'web_search_20250305', name: 'web_search' };
  if (tool.maxUses !== undefined) out.max_uses = tool.maxUses;
  // Anthropic refuses both lists together; the allow list is the stricter of the two.
  if (tool.allowedDomains !== undefined) out.allowed_domains = tool.allowedDomains;
  if (tool.blockedDomains !== undefined) {
    if (tool.allowedDomains === undefined) out.blocked_domains = tool.blockedDomains;
    else warn('web_search_changed', `${tool.field}.filters.blocked_domains`, 'Anthropic web search takes allowed or blocked domains, not both; the blocked domains were not sent.');
  }
  if (tool.userLocation !== undefined) out.user_location = { type: 'approximate', ...tool.userLocation };
  if (tool.contextSize !== undefined) {
    warn('web_search_changed', `${tool.field}.search_context_size`, 'Anthropic web search has no search context size; it was not sent.');
  }
  warnUncarried(tool, 'Anthropic', warn);
  return out;
}

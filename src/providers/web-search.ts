// What the three providers' web search converters share: the fields of a caller's tool that the
// canonical settings do not carry, so a provider other than the tool's own reports them dropped.
import type { ProviderName, WebSearchTool } from '../canonical/types.js';
import type { Warn } from './warnings.js';

const CARRIED: Record<ProviderName, ReadonlySet<string>> = {
  openai: new Set(['type', 'filters', 'user_location', 'search_context_size']),
  anthropic: new Set(['type', 'name', 'max_uses', 'allowed_domains', 'blocked_domains', 'user_location']),
  gemini: new Set(['type']),
};

/** Warns about each set field of the caller's tool that has no canonical counterpart. */
export function warnUncarried(tool: WebSearchTool, target: string, warn: Warn): void {
  const raw = tool.raw;
  if (raw === undefined) return;
  for (const [key, value] of Object.entries(raw.tool)) {
    if (CARRIED[raw.provider].has(key) || value === null || value === undefined) continue;
    warn('web_search_changed', `${tool.field}.${key}`, `${target} web search has no counterpart for \`${key}\`; it was not sent.`);
  }
}

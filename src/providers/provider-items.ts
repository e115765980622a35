// Provider items (canonical/types.ts ProviderItem): what one provider's hosted tools leave in a
// conversation. Only that provider can read them back, so the others drop them with a warning.
import type { ProviderItem, ProviderName } from '../canonical/types.js';

const PROVIDER_NAMES: Record<ProviderName, string> = { openai: 'OpenAI', gemini: 'Gemini', anthropic: 'Anthropic' };

/** The `provider_item_dropped` sentence for an item replayed to a provider other than its own. */
export function droppedItem(item: ProviderItem, target: string): string {
  const own = PROVIDER_NAMES[item.provider];
  const named = item.id === '' ? '' : ` ${item.id}`;
  return `The ${own} ${item.itemType} item${named} cannot be replayed to ${target} and was dropped; only ${own} runs that tool.`;
}

// Provider items (canonical/types.ts ProviderItem): what one provider's hosted tools leave in a
// conversation. Only that provider can read them back, so the others drop them with a warning.
import type { ItemReference, ProviderItem, WebSearchCallItem } from '../canonical/types.js';
import { PROVIDER_LABELS } from './upstream-errors.js';
import type { Warn } from './warnings.js';

/** The `provider_item_dropped` sentence for an item replayed to a provider other than its own. */
export function droppedItem(item: ProviderItem, target: string): string {
  const own = PROVIDER_LABELS[item.provider];
  const named = item.id === '' ? '' : ` ${item.id}`;
  return `The ${own} ${item.itemType} item${named} cannot be replayed to ${target} and was dropped; only ${own} runs that tool.`;
}

/**
 * Anthropic and Gemini leave out the input items they cannot take back, each with a warning: a
 * reference the server could not resolve (it has no content), a web search (each takes back its
 * own searches only with the results or signatures it sealed, which are not kept), and another
 * provider's item.
 */
export function dropUnreplayable(warn: Warn, field: string, item: ItemReference | WebSearchCallItem | ProviderItem, target: 'Anthropic' | 'Gemini'): void {
  switch (item.type) {
    case 'item_reference':
      return warn('item_reference_dropped', field, `The item reference ${item.id} could not be resolved and was dropped.`);
    case 'web_search_call':
      return warn('translated', field, `The web search ${item.id} was not replayed to ${target}; the answer's text still carries what it found.`);
    case 'provider_item':
      return warn('provider_item_dropped', field, droppedItem(item, target));
  }
}

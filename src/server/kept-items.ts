// Responses `store`: an answer's output items are kept per organization for a bounded time, so a
// later request can name them with `item_reference` — the Vercel AI SDK's tool loop sends earlier
// reasoning items and assistant messages that way. References are resolved here, before any
// provider sees the request, so they work whichever provider made or receives the items.
import type { CanonicalRequest, InputItem, OutputItem, ProviderName, Warning } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';
import type { Store } from '../store/store.js';

/** How long output items stay resolvable (docs/product.md §6). */
export const KEEP_OUTPUT_MS = 60 * 60 * 1000;

export async function keepOutputItems(store: Store, orgId: string, output: readonly OutputItem[], now: number): Promise<void> {
  const items = output.filter((item) => item.id !== '').map((item) => ({ id: item.id, json: JSON.stringify(item) }));
  if (items.length > 0) await store.keepItems(orgId, items, now + KEEP_OUTPUT_MS, now);
}

export interface ResolveArgs {
  store: Store;
  orgId: string;
  request: CanonicalRequest;
  provider: ProviderName;
  now: number;
}

/**
 * Replaces each `item_reference` with the kept item. One that is not kept: a reasoning item (`rs_…`)
 * is dropped with a warning (reasoning context is optional); anything else passes to OpenAI, where
 * the caller may have stored it, and is refused for the other providers. Returns the warnings.
 */
export async function resolveItemReferences({ store, orgId, request, provider, now }: ResolveArgs): Promise<Warning[]> {
  const warnings: Warning[] = [];
  const ids = request.input.flatMap((item) => (item.type === 'item_reference' ? [item.id] : []));
  if (ids.length === 0) return warnings;
  const found = await store.findItems(orgId, ids, now);
  const kept = new Map(found.map((item) => [item.id, JSON.parse(item.json) as OutputItem]));
  request.input = request.input.flatMap((item, index): InputItem[] => {
    if (item.type !== 'item_reference') return [item];
    const found = kept.get(item.id);
    if (found) return [asInput(found)];
    if (item.id.startsWith('rs_')) {
      const message = `The reasoning item ${item.id} is not kept (or has expired) and was dropped.`;
      warnings.push({ code: 'reasoning_item_dropped', field: `input[${index}]`, message });
      return [];
    }
    if (provider === 'openai') return [item];
    throw new FlexError('invalid_parameter', {
      param: `input[${index}]`,
      detail:
        `\`input[${index}]\` refers to the item ${JSON.stringify(item.id)}, which FlexInference does not keep: it keeps the ` +
        `output items of answers made with \`store\` left on for ${KEEP_OUTPUT_MS / 60_000} minutes. Send the whole ` +
        'item instead, e.g. {"type":"message","role":"assistant","content":"…"}.',
    });
  });
  return warnings;
}

/** A kept output item as it is replayed: assistant message text becomes input text. */
function asInput(item: OutputItem): InputItem {
  if (item.type !== 'message') return item;
  return {
    type: 'message',
    role: 'assistant',
    id: item.id,
    content: item.content.map((part) => (part.type === 'output_text' ? { type: 'text', text: part.text } : part)),
    ...(item.phase !== undefined ? { phase: item.phase } : {}),
  };
}

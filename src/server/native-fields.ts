// Provider-native fields (docs/product.md §6, "use them exactly as you would with the provider"):
// the provider's own converter passes them through; a request that carries them to another
// provider is refused here, naming the field, the target provider and what to do instead.
import type { CanonicalRequest, ProviderName } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';

const PROVIDER_NAMES: Record<ProviderName, string> = { openai: 'OpenAI', gemini: 'Gemini', anthropic: 'Anthropic' };

export function refuseForeignNative(request: CanonicalRequest, provider: ProviderName): void {
  const native = request.native;
  if (native === undefined || native.provider === provider) return;
  const first = native.refusable[0];
  if (first === undefined) return; // only fields FlexInference honours for every provider
  const own = PROVIDER_NAMES[native.provider];
  throw new FlexError('unsupported_parameter', {
    param: first.param,
    detail: `\`${first.param}\` is a feature of ${own}, passed through to ${own} models only; ${request.model} runs on ${PROVIDER_NAMES[provider]}. ${first.instead}`,
  });
}

// Field readers specific to the Anthropic Messages dialect. The generic readers (objects, strings,
// numbers, ...) are in ../fields.ts; these build on them and throw the same FlexErrors naming the
// exact `param`.
import { expectString, isUnset, joinPath, unknownKeyCheck, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';

/** The block's `type` string, required on every content block, tool and config object. */
export function typeOf(value: JsonObject, param: string): string {
  return expectString(value.type, `${param}.type`);
}

/** Refuses any key of `value` outside `allowed` (unknown fields are never dropped silently). */
export const refuseUnknownMessagesKeys = unknownKeyCheck('is not supported on /v1/messages.');

/**
 * Prompt caching has no counterpart on the other providers' request formats, so a cache marker is
 * refused rather than dropped (docs/product.md §6).
 */
export function refuseCacheControl(value: JsonObject, param: string): void {
  if (isUnset(value.cache_control)) return;
  const path = joinPath(param, 'cache_control');
  throw unsupported(path, `\`${path}\` (prompt caching markers) is not supported: FlexInference cannot carry it to every provider.`);
}

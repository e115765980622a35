// Small readers for an untrusted parsed JSON body. Each one either returns the typed value or
// throws `invalid_parameter` naming the exact path (e.g. `input[2].content[0].text`).
import { FlexError } from '../../errors/catalog.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `null` and absent mean "not set" everywhere in this dialect. */
export function isUnset(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function invalid(param: string, detail: string): FlexError {
  return new FlexError('invalid_parameter', { param, detail });
}

export function unsupported(param: string, detail: string): FlexError {
  return new FlexError('unsupported_parameter', { param, detail });
}

export function readObject(value: unknown, param: string): JsonObject {
  if (!isObject(value)) throw invalid(param, `\`${param}\` must be an object, got ${describe(value)}.`);
  return value;
}

export function readArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(param, `\`${param}\` must be an array, got ${describe(value)}.`);
  return value;
}

export function readString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalid(param, `\`${param}\` must be a string, got ${describe(value)}.`);
  return value;
}

export function readNumber(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(param, `\`${param}\` must be a number, got ${describe(value)}.`);
  }
  return value;
}

export function readPositiveInteger(value: unknown, param: string): number {
  const n = readNumber(value, param);
  if (!Number.isInteger(n) || n < 1) throw invalid(param, `\`${param}\` must be a positive integer, got ${n}.`);
  return n;
}

export function readBoolean(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw invalid(param, `\`${param}\` must be a boolean, got ${describe(value)}.`);
  return value;
}

export function readEnum<T extends string>(value: unknown, allowed: readonly T[], param: string): T {
  const s = readString(value, param);
  const found = allowed.find((a) => a === s);
  if (found === undefined) {
    throw invalid(param, `\`${param}\` must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got "${s}".`);
  }
  return found;
}

export function optionalString(obj: JsonObject, key: string, param: string): string | undefined {
  const value = obj[key];
  return isUnset(value) ? undefined : readString(value, param);
}

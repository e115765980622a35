// Field readers shared by every caller dialect. Each reader takes the raw JSON value and the dotted
// path of the field, and throws a FlexError naming that path, so every wrong type or shape reaches
// the caller as `invalid_parameter` with a precise `param`. Dialect-specific readers (OpenAI
// metadata, image sources, cache markers, ...) live beside each surface and build on these.
import { FlexError } from '../errors/catalog.js';

export type JsonObject = Record<string, unknown>;

export function invalid(param: string, detail: string): FlexError {
  return new FlexError('invalid_parameter', { param, detail });
}

export function unsupported(param: string, detail: string): FlexError {
  return new FlexError('unsupported_parameter', { param, detail });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent and JSON null both mean "not set" (the SDKs omit unset fields; some clients send null). */
export function isUnset(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** How a wrong value is named in a message: `null`, `an array`, `the string "…"`, `number 5`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** `param` + `key` as a dotted path; an empty `param` is the top level of the body. */
export function joinPath(param: string, key: string | number): string {
  return param === '' ? String(key) : `${param}.${key}`;
}

export function expectObject(value: unknown, param: string): JsonObject {
  if (!isObject(value)) throw invalid(param, `\`${param}\` must be an object; got ${describe(value)}.`);
  return value;
}

export function expectArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(param, `\`${param}\` must be an array; got ${describe(value)}.`);
  return value;
}

export function expectString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalid(param, `\`${param}\` must be a string; got ${describe(value)}.`);
  return value;
}

export function optString(value: unknown, param: string): string | undefined {
  return isUnset(value) ? undefined : expectString(value, param);
}

export function expectBoolean(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw invalid(param, `\`${param}\` must be true or false; got ${describe(value)}.`);
  return value;
}

export function optBoolean(value: unknown, param: string): boolean | undefined {
  return isUnset(value) ? undefined : expectBoolean(value, param);
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A finite number within `rule`. */
export function expectNumber(value: unknown, param: string, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw invalid(param, `\`${param}\` must be ${numberRuleText(rule)}; got ${describe(value)}.`);
  return value;
}

export function expectInteger(value: unknown, param: string, rule: Omit<NumberRule, 'integer'> = {}): number {
  return expectNumber(value, param, { ...rule, integer: true });
}

export function optNumber(value: unknown, param: string, rule: NumberRule = {}): number | undefined {
  return isUnset(value) ? undefined : expectNumber(value, param, rule);
}

function numberRuleText(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} of at least ${rule.min}`;
  if (rule.max !== undefined) return `${kind} of at most ${rule.max}`;
  return kind;
}

export function expectOneOf<T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(param, `\`${param}\` must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got ${describe(value)}.`);
}

export type UnknownKeyCheck = (value: JsonObject, allowed: ReadonlySet<string>, param: string) => void;

/**
 * A check that refuses any key of an object outside `allowed` (FlexInference never drops a field
 * silently), as `unsupported_parameter` reading "`path` <reason>". Each dialect words its reason.
 */
export function unknownKeyCheck(reason: string): UnknownKeyCheck {
  return (value, allowed, param) => {
    for (const key of Object.keys(value)) {
      if (allowed.has(key)) continue;
      const path = joinPath(param, key);
      throw unsupported(path, `\`${path}\` ${reason}`);
    }
  };
}

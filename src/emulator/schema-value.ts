// Builds a small value that satisfies a JSON Schema's top-level shape: used for default tool-call
// arguments and for `[emulate:json]` answers. Deterministic: the same schema gives the same value.
import { isObject } from './json.js';

type Schema = Record<string, unknown>;

function firstType(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x): x is string => typeof x === 'string' && x !== 'null');
  if (isObject(schema.properties)) return 'object';
  return undefined;
}

function variant(schema: Schema): Schema | undefined {
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const first = list.find((s): s is Schema => isObject(s) && s.type !== 'null');
      if (first) return first;
    }
  }
  return undefined;
}

export function valueForSchema(schema: unknown, seedText = 'example', depth = 0): unknown {
  if (!isObject(schema) || depth > 6) return {};
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const alt = variant(schema);
  if (alt) return valueForSchema(alt, seedText, depth + 1);
  switch (firstType(schema) ?? '') {
    case 'string':
      return seedText;
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return isObject(schema.items) ? [valueForSchema(schema.items, seedText, depth + 1)] : [];
    case 'object':
      return objectForSchema(schema, seedText, depth);
    default:
      return {};
  }
}

function objectForSchema(schema: Schema, seedText: string, depth: number): Record<string, unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((k): k is string => typeof k === 'string')
    : Object.keys(properties);
  const out: Record<string, unknown> = {};
  for (const key of required) out[key] = valueForSchema(properties[key], seedText, depth + 1);
  return out;
}

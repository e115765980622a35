// Per-key settings as the admin API shows and accepts them (snake_case JSON), validated once here
// for the HTTP routes, the CLI and the dashboard.
import { parseStartWithin } from '../routing/start-within.js';
import type { KeySettings } from '../store/store.js';
import { asObject, invalid } from './input.js';

export interface KeySettingsView {
  default_start_within: string | null;
  allowed_models: string[] | null;
  requests_per_minute: number | null;
  monthly_budget_usd: number | null;
}

export const NO_SETTINGS: KeySettings = { defaultStartWithin: null, allowedModels: null, requestsPerMinute: null, monthlyBudgetUsd: null };

export function settingsView(s: KeySettings | undefined): KeySettingsView {
  const v = s ?? NO_SETTINGS;
  return {
    default_start_within: v.defaultStartWithin,
    allowed_models: v.allowedModels,
    requests_per_minute: v.requestsPerMinute,
    monthly_budget_usd: v.monthlyBudgetUsd,
  };
}

export function isEmptySettings(s: KeySettings): boolean {
  return s.defaultStartWithin === null && s.allowedModels === null && s.requestsPerMinute === null && s.monthlyBudgetUsd === null;
}

function startWithin(value: unknown): string | null {
  if (value === null) return null;
  const param = 'settings.default_start_within';
  try {
    return parseStartWithin(value).raw;
  } catch {
    throw invalid(param, `\`${param}\` must be "default", "priority", "auto" or a duration HHh-MMm-SSs from 00h-00m-05s to 00h-10m-00s (or null to remove it).`);
  }
}

function models(value: unknown): string[] | null {
  if (value === null) return null;
  const param = 'settings.allowed_models';
  const ok = Array.isArray(value) && value.length > 0 && value.length <= 200 && value.every((m) => typeof m === 'string' && m.trim() !== '' && m.length <= 200);
  if (!ok) throw invalid(param, `\`${param}\` must be a list of 1 to 200 model names, e.g. ["gpt-5-mini", "gemini-2.5-flash"] (or null for any model).`);
  return [...new Set((value as string[]).map((m) => m.trim()))];
}

function positive(value: unknown, param: string, integer: boolean, example: string): number | null {
  if (value === null) return null;
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1e9 && (!integer || Number.isInteger(value));
  if (!ok) throw invalid(param, `\`${param}\` must be a positive ${integer ? 'whole ' : ''}number, e.g. ${example} (or null to remove it).`);
  return value;
}

/**
 * Applies a settings patch: fields present replace the current value (null removes it), absent
 * fields are kept. Unknown fields are refused so a typo is not silently ignored.
 */
export function patchSettings(current: KeySettings | undefined, input: unknown): KeySettings {
  const body = asObject(input, '`settings`');
  const known = ['default_start_within', 'allowed_models', 'requests_per_minute', 'monthly_budget_usd'];
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown !== undefined) throw invalid(`settings.${unknown}`, `\`settings.${unknown}\` is not a key setting; the settings are ${known.join(', ')}.`);
  const next = { ...(current ?? NO_SETTINGS) };
  if ('default_start_within' in body) next.defaultStartWithin = startWithin(body.default_start_within);
  if ('allowed_models' in body) next.allowedModels = models(body.allowed_models);
  if ('requests_per_minute' in body) next.requestsPerMinute = positive(body.requests_per_minute, 'settings.requests_per_minute', true, '60');
  if ('monthly_budget_usd' in body) next.monthlyBudgetUsd = positive(body.monthly_budget_usd, 'settings.monthly_budget_usd', false, '25.5');
  return next;
}

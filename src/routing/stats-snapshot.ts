// The flex statistics as one JSON value, so the store can keep them across a restart.
import type { ProviderName } from '../canonical/types.js';

export interface SnapshotSeries {
  provider: ProviderName;
  model: string;
  kind: 'flex' | 'standard-start' | 'standard-finish' | 'flex-generation';
  /** Output-limit bucket of finish times (0 otherwise). */
  bucket: number;
  /** [age in ms when the snapshot was taken, value]; a flex value is a FlexOutcome object. */
  samples: [number, unknown][];
}

export interface FlexStatsSnapshot {
  version: 1;
  /** Wall clock (ms since the epoch) when it was taken. */
  savedAt: number;
  series: SnapshotSeries[];
}

const PROVIDERS: readonly string[] = ['openai', 'gemini', 'anthropic'];
const KINDS: readonly string[] = ['flex', 'standard-start', 'standard-finish', 'flex-generation'];

/** The snapshot, or undefined when it is not one this version wrote; bad series are dropped. */
export function readSnapshot(raw: unknown): FlexStatsSnapshot | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const s = raw as Record<string, unknown>;
  if (s.version !== 1 || typeof s.savedAt !== 'number' || !Number.isFinite(s.savedAt) || !Array.isArray(s.series)) return undefined;
  const series: SnapshotSeries[] = [];
  for (const item of s.series as unknown[]) {
    const parsed = readSeries(item);
    if (parsed) series.push(parsed);
  }
  return { version: 1, savedAt: s.savedAt, series };
}

function readSeries(item: unknown): SnapshotSeries | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const x = item as Record<string, unknown>;
  if (typeof x.provider !== 'string' || !PROVIDERS.includes(x.provider)) return undefined;
  if (typeof x.model !== 'string' || typeof x.kind !== 'string' || !KINDS.includes(x.kind)) return undefined;
  if (typeof x.bucket !== 'number' || !Number.isInteger(x.bucket) || x.bucket < 0 || x.bucket > 8) return undefined;
  if (!Array.isArray(x.samples)) return undefined;
  const samples = (x.samples as unknown[]).filter(
    (p): p is [number, unknown] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && Number.isFinite(p[0]) && p[0] >= 0,
  );
  return { provider: x.provider as ProviderName, model: x.model, kind: x.kind as SnapshotSeries['kind'], bucket: x.bucket, samples };
}

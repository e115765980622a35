// High quantiles of small samples: what a reserve must cover so that about one request in a
// thousand, not one in a hundred, outlasts it.

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/**
 * A reserve from recent samples (sorted ascending): the log-normal tail at `z` (3.09: p99.9)
 * fitted to them, and never less than their empirical p99.5. A few hundred samples cannot show
 * their own p99.9 (it is beyond the largest of them), and start and finish times are
 * right-skewed, so the tail is extrapolated on the log scale; the empirical floor covers a tail the
 * fit misses (a cluster of stalls one sample in a hundred).
 */
export function highQuantile(sorted: readonly number[], z: number): number {
  const empirical = percentile(sorted, 0.995);
  if (sorted.length < 2) return empirical;
  let sum = 0;
  for (const x of sorted) sum += Math.log(Math.max(x, 1));
  const mean = sum / sorted.length;
  let squares = 0;
  for (const x of sorted) squares += (Math.log(Math.max(x, 1)) - mean) ** 2;
  const sd = Math.sqrt(squares / (sorted.length - 1));
  return Math.max(empirical, Math.round(Math.exp(mean + z * sd)));
}

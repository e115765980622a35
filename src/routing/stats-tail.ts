// High quantiles of small samples: what a reserve must cover so that about one request in a
// thousand, not one in a hundred, outlasts it.

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** A log-normal tail: the centre and spread of the logarithms of samples (each taken as at least 1). */
export interface LogNormalFit {
  mean: number;
  sd: number;
}

/**
 * The log-normal that matches the upper half of samples (sorted ascending): centred on their median,
 * with the spread of the samples above it (for a normal, the mean square deviation above the centre
 * is the variance). Only the upper tail sets a reserve, so a cluster of very fast answers (one-event
 * replies, cached ones) must not widen it, as it would a fit to every sample.
 */
export function fitLogNormal(sorted: readonly number[]): LogNormalFit {
  const n = sorted.length;
  if (n === 0) return { mean: 0, sd: 0 };
  const log = (i: number): number => Math.log(Math.max(sorted[i] ?? 1, 1));
  const mean = n % 2 === 1 ? log((n - 1) / 2) : (log(n / 2 - 1) + log(n / 2)) / 2;
  let squares = 0;
  let above = 0;
  for (let i = Math.floor(n / 2); i < n; i++) {
    const d = log(i) - mean;
    if (d <= 0) continue;
    squares += d * d;
    above++;
  }
  // One degree of freedom spent on the centre, as in a sample variance: a small sample's spread is
  // read a little wider rather than narrower.
  return { mean, sd: above < 2 ? 0 : Math.sqrt(squares / (above - 1)) };
}

/**
 * A reserve from recent samples (sorted ascending): the log-normal tail at `z` (3.09: p99.9)
 * fitted to them, and never less than their empirical p99.5. A few hundred samples cannot show
 * their own p99.9 (it is beyond the largest of them), and start and finish times are
 * right-skewed, so the tail is extrapolated on the log scale; the empirical floor covers a tail the
 * fit misses (a cluster of stalls one sample in a hundred).
 */
export function highQuantile(sorted: readonly number[], z: number, fit = fitLogNormal(sorted)): number {
  const empirical = percentile(sorted, 0.995);
  if (sorted.length < 2) return empirical;
  return Math.max(empirical, Math.round(Math.exp(fit.mean + z * fit.sd)));
}

/**
 * Chance that the next value exceeds `x`, by the same reading as `highQuantile`: the fitted
 * log-normal tail, and never less than the share of recent samples above `x`.
 */
export function chanceAbove(sorted: readonly number[], x: number, fit = fitLogNormal(sorted)): number {
  if (sorted.length === 0) return 0;
  let below = sorted.length;
  while (below > 0 && (sorted[below - 1] ?? 0) > x) below--;
  const empirical = (sorted.length - below) / sorted.length;
  const fitted = fit.sd === 0 ? (x < Math.exp(fit.mean) ? 1 : 0) : upperNormalTail((Math.log(Math.max(x, 1)) - fit.mean) / fit.sd);
  return Math.max(empirical, fitted);
}

/** P(Z > z) for a standard normal Z (Abramowitz & Stegun 7.1.26; absolute error below 1.5e-7). */
export function upperNormalTail(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

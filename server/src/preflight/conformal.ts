/**
 * Returns the empirical q-quantile of `values` with the split-conformal finite-sample
 * correction: the ceil((n + 1) q)-th smallest value, so that a new exchangeable value falls at or
 * below it with probability at least q. Returns null when n is too small for that rank to exist.
 */
export function conformalQuantile(values: readonly number[], q: number): number | null {
  const n = values.length;
  const rank = Math.ceil((n + 1) * q);
  if (n === 0 || rank > n) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[rank - 1] as number;
}

/** Returns the median, the mean of the two middle values for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

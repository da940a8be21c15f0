/** Return the nearest-rank quantile `q` (0 to 1) of ascending `sorted` values. */
export function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

/** Summarize latencies in milliseconds: median, p90, min and max. */
export function summarize(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  return { median_ms: quantile(sorted, 0.5), p90_ms: quantile(sorted, 0.9), min_ms: sorted[0] as number, max_ms: sorted[sorted.length - 1] as number };
}

/** Operation counts from the inspector report, by kind (see OPERATION_KINDS in dofc/inspector/report.py). */
export type OperationCounts = Record<string, number>;

/** More wide operations than this are assumed to work on already reduced data. */
const MAX_FULL_PASSES = 3;

/**
 * Estimates the data a job shuffles, in GB, as an upper bound: each wide operation is assumed to
 * move the whole input once, for at most three passes. Spark's wide operations are the
 * inspector's `shuffle` count; plain pandas has no shuffle, but a pandas join or groupBy
 * materialises its input in one process, so it counts the same way. A filter or an aggregation
 * before the wide operation makes the real figure smaller.
 */
export function estimateShuffleGb(inputBytes: number, operations: OperationCounts, usesSpark: boolean): number {
  const wide = usesSpark ? (operations['shuffle'] ?? 0) : (operations['join'] ?? 0) + (operations['groupBy'] ?? 0);
  const passes = Math.min(wide, MAX_FULL_PASSES);
  return roundGb((inputBytes / 1e9) * passes);
}

/** Rounds to three significant digits, enough for a threshold check and readable in a message. */
function roundGb(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(3));
}

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

/** The shuffle estimate of a job and where it came from. */
export interface ShuffleEstimate {
  gb: number;
  /**
   * Source of the figure: `sample` for the extrapolation of the sample runs' Spark shuffle bytes,
   * `operations` for the code-only upper bound, `declared` for the spec's figure when it is larger.
   */
  basis: 'sample' | 'operations' | 'declared';
}

/**
 * Chooses the shuffle estimate: the sample runs' extrapolation when their Spark applications
 * reported shuffle bytes, else the upper bound from the code's wide operations. A declared
 * figure larger than the chosen one is kept, because the job may generate data that no input shows.
 */
export function chooseShuffleEstimate(
  sampleGb: number | null,
  inputBytes: number,
  operations: OperationCounts,
  usesSpark: boolean,
  declaredGb: number | undefined,
): ShuffleEstimate {
  const estimated: ShuffleEstimate =
    sampleGb === null ? { gb: estimateShuffleGb(inputBytes, operations, usesSpark), basis: 'operations' } : { gb: sampleGb, basis: 'sample' };
  return declaredGb !== undefined && declaredGb > estimated.gb ? { gb: declaredGb, basis: 'declared' } : estimated;
}

/** Rounds to three significant digits, enough for a threshold check and readable in a message. */
function roundGb(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(3));
}

/**
 * Selection of the code cells of a job's sample runs that do data work, the cells whose CPU time
 * grows with the share of the input. The scaling model fits only their CPU time, because the other cells'
 * times are noise around a constant, and a 50- to 200-fold extrapolation turns any noise that
 * passes for growth into seconds or minutes.
 *
 * The runner reads the kernel's CPU time with nanosecond resolution (`dofc/process_cpu.py`), but
 * the kernel's CPU time still varies between identical runs. The accuracy benchmark ran the merge
 * notebook three times on the same rows at two input sizes (33 cells, 2 vCPUs). There the spread
 * of a cell (largest minus smallest CPU time) was 3.5 ms or 36% of its smallest time at the
 * median, 11 ms at the 80th percentile and 45 ms at the 95th. The largest spreads are a chunk of about
 * 45 ms that lands in a different cell in each run, as a garbage collection would. Such a chunk
 * shows in one run only, while data work shows at every step.
 */

import { sum } from './power-curve.js';

/** The per-cell times of one sample run (or of runs merged at one share). */
export interface CellTimes {
  x: number;
  cellsCpuS?: number[] | null;
  cellsWallS?: number[] | null;
  /** Spread of each cell's CPU time over runs at this share, when several ran (see below). */
  cellsCpuSpreadS?: number[] | null;
}

/** Growth in seconds that a data cell's CPU time must exceed, the spread of 80% of cells in identical runs. */
const CELL_NOISE_S = 0.01;
/** Share of its smallest time that a data cell's growth must also exceed, above the median spread. */
const CELL_NOISE_RELATIVE = 0.5;
/**
 * Part of its expected growth that each step between neighbouring shares must carry, with three
 * or more shares. The expected growth is the least that a power curve a + b x^c with c from 0.5
 * to 2 gives the step. Noise in one run puts almost all growth in one step and fails this.
 */
const STEP_SHARE_TOLERANCE = 0.5;
const STEP_EXPONENTS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

/** Returns the indexes of the cells whose CPU time grows with the share. `points` must be sorted by share. */
export function selectDataCells(points: readonly CellTimes[]): number[] {
  const cellCount = points[0]?.cellsCpuS?.length ?? 0;
  const minimumStepShares = minimumStepSharesOf(points.map((point) => point.x));
  return Array.from({ length: cellCount }, (_, cell) => cell).filter((cell) => {
    const times = points.map((point) => (point.cellsCpuS as number[])[cell] as number);
    const measuredNoise = Math.max(0, ...points.map((point) => point.cellsCpuSpreadS?.[cell] ?? 0));
    return growsBeyondNoise(times, measuredNoise) && growsAtEveryStep(times, minimumStepShares);
  });
}

/** Sums, for each point, the CPU time of the given cells. */
export function cellsCpu(points: readonly CellTimes[], cells: readonly number[]): number[] {
  return points.map((point) => sum(cells.map((cell) => (point.cellsCpuS as number[])[cell] as number)));
}

/**
 * Returns the wall seconds per CPU second of the given cells at the largest share, at most 1.
 * Work spread over threads or worker processes takes less wall time than CPU time, so the
 * model converts its CPU slope with this factor. A ratio above 1 means waiting, for a busy CPU
 * or for I/O, which the model leaves to the fixed part. Without per-cell wall times it is 1.
 */
export function wallPerCpu(points: readonly CellTimes[], cells: readonly number[]): number {
  const largest = points[points.length - 1];
  if (largest?.cellsWallS == null || largest.cellsCpuS == null || cells.length === 0) return 1;
  const wall = sum(cells.map((cell) => largest.cellsWallS?.[cell] ?? 0));
  const cpu = sum(cells.map((cell) => largest.cellsCpuS?.[cell] ?? 0));
  return cpu > 0 ? Math.min(1, wall / cpu) : 1;
}

/**
 * Returns whether the growth from the first to the last share exceeds the noise thresholds and
 * the spread measured between runs that read the same share. Those runs differ by noise alone,
 * and with two distinct shares they are the only check against a chunk that lands in one run.
 */
function growsBeyondNoise(times: readonly number[], measuredNoise: number): boolean {
  const low = times[0] as number;
  const growth = (times[times.length - 1] as number) - low;
  return growth > CELL_NOISE_S && growth > CELL_NOISE_RELATIVE * low && growth > measuredNoise;
}

/** Returns whether every step grows and carries its minimum share of the total growth. */
function growsAtEveryStep(times: readonly number[], minimumStepShares: readonly number[] | null): boolean {
  const total = (times[times.length - 1] as number) - (times[0] as number);
  return times.slice(1).every((time, i) => {
    const step = time - (times[i] as number);
    if (step < 0) return false;
    return minimumStepShares === null || step >= (minimumStepShares[i] as number) * total;
  });
}

/**
 * For each step between neighbouring shares, the least part of the growth from the first to the
 * last share that any allowed power curve puts in it, times STEP_SHARE_TOLERANCE. Null with
 * fewer than three shares, where a single step carries all growth.
 */
function minimumStepSharesOf(xs: readonly number[]): number[] | null {
  if (xs.length < 3) return null;
  const first = xs[0] as number;
  const last = xs[xs.length - 1] as number;
  return xs.slice(1).map((x, i) => {
    const previous = xs[i] as number;
    const shares = STEP_EXPONENTS.map((c) => (x ** c - previous ** c) / (last ** c - first ** c));
    return STEP_SHARE_TOLERANCE * Math.min(...shares);
  });
}

/**
 * The runtime scaling model that pre-flight fits to its sample runs.
 *
 * With x the share of the full input that a run read, a run's CPU time (that of the cells whose
 * CPU time grew with x, see data-cells.ts, when the runner reports CPU time per cell) is fitted as
 *
 *   cpu(x) = a + B * x^c        (a, B >= 0, c from 0.5 to 2)
 *
 * and the runtime on the whole input is predicted as
 *
 *   runtime(1) = fixed + b,     b = B * wallPerCpu,     fixed = median over the runs of (wall - b * x^c)
 *
 * so that b * x^c is the data-dependent work and everything else (kernel start, imports,
 * waiting for a busy CPU) is a fixed part measured in wall time. The slope is fitted to CPU
 * time rather than wall time because wall time on a shared machine jitters by seconds between
 * identical runs, and the fit extrapolates 50 to 200 times beyond its points. wallPerCpu (at
 * most 1) converts CPU seconds spread over several cores into wall seconds. Runs without a
 * CPU time are fitted on wall time instead.
 * NOTE: wallPerCpu is measured on the largest sample, and a job may use more cores on the whole
 * input than on a sample (more partitions, for example), which this model does not foresee.
 */

import { median as medianOrNull } from './conformal.js';
import { cellsCpu, selectDataCells, wallPerCpu } from './data-cells.js';
import { fitPowerCurve, groupCloseShares, maxRelativeResidual, mean, rSquared, sum, type PowerCurve } from './power-curve.js';

export { fitPowerCurve } from './power-curve.js';

/** One sample run, reduced to what the model fits. */
export interface ScalingPoint {
  /** Share of the full input the run read, in (0, 1]. */
  x: number;
  /** The runner's wall time, seconds. */
  wallS: number;
  /** CPU time of the runner and its kernel, seconds; null when the runner did not report it. */
  cpuS: number | null;
  /** The kernel's CPU time in each code cell, seconds; null when not reported. */
  cellsCpuS?: number[] | null;
  /** The wall time of each code cell, seconds; null or absent when not reported. */
  cellsWallS?: number[] | null;
  /** Largest minus smallest CPU time of each cell over the runs merged into this point; set by the fit. */
  cellsCpuSpreadS?: number[] | null;
}

export interface ScalingFit {
  form: 'fixed + b*x^c';
  /**
   * The time series the slope was fitted to: the kernel CPU time of the cells that grew with
   * the input (`cell_cpu`), the run's whole CPU time (`cpu`), or its wall time (`wall`).
   */
  fittedOn: 'cell_cpu' | 'cpu' | 'wall';
  fixedS: number;
  /** Intercept of the fitted series, in its own unit (CPU or wall seconds). */
  aS: number;
  /** Data-dependent wall seconds at the whole input: the fitted slope times wallPerCpu. */
  bS: number;
  exponent: number;
  /** Wall seconds per CPU second of the fitted work, at most 1 (see `wallPerCpu` in data-cells.ts). */
  wallPerCpu: number;
  /** R² of the fit; null with fewer than three distinct shares, which any curve fits exactly. */
  r2: number | null;
  /** Largest |fitted - measured| / measured over the points; null as for r2. */
  maxRelativeResidual: number | null;
  /** The predicted runtime on the whole input, seconds. */
  predictedS: number;
}

/**
 * The fitted time must grow at every step and, from the smallest to the largest share, by more
 * than both of these, or the slope is taken as zero. Three sample runs of the same 100 rows
 * differed by up to 0.23 s of CPU time on a 2-core machine shared with other test suites, so
 * the thresholds alone do not filter noise. Requiring growth at every step rejects most of it.
 */
const NOISE_ABSOLUTE_S = 0.1;
const NOISE_RELATIVE = 0.03;

/**
 * Fits the model to two or more sample runs and predicts the runtime at x = 1. Returns null
 * when fewer than two runs are given.
 */
export function fitScaling(points: readonly ScalingPoint[]): ScalingFit | null {
  if (points.length < 2) return null;
  const sorted = mergeCloseShares([...points].sort((left, right) => left.x - right.x));
  const fittedOn = seriesKind(sorted);

  const xs = sorted.map((point) => point.x);
  const series = fittedSeries(sorted, fittedOn);
  const curve = series.growing ? fitPowerCurve(xs, series.ys) : flat(series.ys);

  // The slope in wall seconds: CPU time spread over several cores passes faster.
  const bS = curve.b * series.wallPerCpu;
  const fixedS = median(sorted.map((point) => point.wallS - bS * point.x ** curve.exponent));
  const distinctX = xs.length;
  return {
    form: 'fixed + b*x^c',
    fittedOn,
    fixedS,
    aS: curve.a,
    bS,
    exponent: curve.exponent,
    wallPerCpu: series.wallPerCpu,
    r2: distinctX >= 3 ? rSquared(xs, series.ys, curve) : null,
    maxRelativeResidual: distinctX >= 3 ? maxRelativeResidual(xs, series.ys, curve) : null,
    predictedS: fixedS + bS,
  };
}

/** Selects the times the slope is fitted to, and returns them, whether they grow, and their wall seconds per CPU second. */
function fittedSeries(points: readonly ScalingPoint[], fittedOn: ScalingFit['fittedOn']): { ys: number[]; growing: boolean; wallPerCpu: number } {
  if (fittedOn === 'cell_cpu') {
    const cells = selectDataCells(points);
    return { ys: cellsCpu(points, cells), growing: cells.length > 0, wallPerCpu: wallPerCpu(points, cells) };
  }
  if (fittedOn === 'wall') {
    const ys = points.map((point) => point.wallS);
    return { ys, growing: grows(ys), wallPerCpu: 1 };
  }
  const ys = points.map((point) => point.cpuS as number);
  const largest = points[points.length - 1] as ScalingPoint;
  const largestCpu = largest.cpuS as number;
  return { ys, growing: grows(ys), wallPerCpu: largestCpu > 0 ? Math.min(1, largest.wallS / largestCpu) : 1 };
}

/**
 * Merges runs whose shares differ by less than 10% (see groupCloseShares) into one point. Small
 * inputs make this common: every sample keeps at least 100 rows, so 0.5% and 1% of a 10,000-row
 * file are the same 100 rows. CPU times are averaged. Wall time takes the median, because one run
 * slowed by a busy machine would otherwise move the fixed part, which is a median for the same
 * reason. The spread of each cell's CPU time within a point is kept as a measure of its noise.
 */
function mergeCloseShares(sorted: ScalingPoint[]): ScalingPoint[] {
  return groupCloseShares(sorted).map((group) => {
    const cpu = group.map((point) => point.cpuS);
    const cells = group.map((point) => point.cellsCpuS ?? null);
    return {
      x: mean(group.map((point) => point.x)),
      wallS: median(group.map((point) => point.wallS)),
      cpuS: cpu.every((value) => value !== null) ? mean(cpu as number[]) : null,
      cellsCpuS: perCell(cells, mean),
      cellsCpuSpreadS: perCell(cells, (values) => Math.max(...values) - Math.min(...values)),
      cellsWallS: perCell(
        group.map((point) => point.cellsWallS ?? null),
        mean,
      ),
    };
  });
}

/** Combines lists of per-cell times cell by cell. Returns null unless every list exists and has the same length. */
function perCell(lists: ReadonlyArray<number[] | null>, combine: (values: number[]) => number): number[] | null {
  const first = lists[0];
  if (first == null || !lists.every((list) => list !== null && list.length === first.length)) return null;
  return first.map((_, cell) => combine(lists.map((list) => (list as number[])[cell] as number)));
}

function seriesKind(points: readonly ScalingPoint[]): ScalingFit['fittedOn'] {
  const cellCount = points[0]?.cellsCpuS?.length ?? 0;
  if (cellCount > 0 && points.every((point) => point.cellsCpuS?.length === cellCount)) return 'cell_cpu';
  return points.every((point) => point.cpuS !== null) ? 'cpu' : 'wall';
}

/** Returns whether the times grow at every step and by more than noise overall. */
function grows(times: readonly number[]): boolean {
  if (times.length < 2) return false;
  const first = times[0] as number;
  const last = times[times.length - 1] as number;
  const monotone = times.every((time, i) => i === 0 || time >= (times[i - 1] as number));
  return monotone && last - first > Math.max(NOISE_ABSOLUTE_S, NOISE_RELATIVE * first);
}

function flat(ys: readonly number[]): PowerCurve {
  const a = mean(ys);
  return { a, b: 0, exponent: 1, sse: sum(ys.map((y) => (y - a) ** 2)) };
}

function median(values: readonly number[]): number {
  return medianOrNull(values) ?? 0;
}

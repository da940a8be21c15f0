/**
 * The runtime scaling model that pre-flight fits to its sample runs.
 *
 * With x the share of the full input that a run read, a run's CPU time (that of the cells whose
 * CPU time grew with x, when the runner reports CPU time per cell) is fitted as
 *
 *   cpu(x) = a + b * x^c        (a, b >= 0, c in [MIN_EXPONENT, MAX_EXPONENT])
 *
 * and the runtime on the whole input is predicted as
 *
 *   runtime(1) = fixed + b,     fixed = median over the runs of (wall - b * x^c)
 *
 * so that b * x^c is the data-dependent work and everything else (kernel start, imports,
 * waiting for a busy CPU) is a fixed part measured in wall time. The slope is fitted to CPU
 * time rather than wall time because wall time on a shared machine jitters by seconds between
 * identical runs, and the fit extrapolates 50 to 200 times beyond its points. Runs without a
 * CPU time are fitted on wall time instead.
 * NOTE: b is CPU seconds, which equal wall seconds only for single-threaded work, so a job that
 * keeps several cores busy is predicted too long by up to that many times.
 */

import { median as medianOrNull } from './conformal.js';

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
}

export interface ScalingFit {
  form: 'fixed + b*x^c';
  /**
   * The time series the slope was fitted to: the kernel CPU time of the cells that grew with
   * the input (`cell_cpu`), the run's whole CPU time (`cpu`), or its wall time (`wall`).
   */
  fittedOn: 'cell_cpu' | 'cpu' | 'wall';
  fixedS: number;
  aS: number;
  bS: number;
  exponent: number;
  /** R² of the fit; null with fewer than three distinct shares, which any curve fits exactly. */
  r2: number | null;
  /** Largest |fitted - measured| / measured over the points; null as for r2. */
  maxRelativeResidual: number | null;
  /** The predicted runtime on the whole input, seconds. */
  predictedS: number;
}

const MIN_EXPONENT = 0.5;
const MAX_EXPONENT = 2;
const EXPONENT_STEP = 0.05;
/** Shares closer than this (relative) are one point, because their time difference is all noise. */
const SAME_SHARE = 0.1;
/**
 * The fitted time must grow at every step and, from the smallest to the largest share, by more
 * than both of these, or the slope is taken as zero. Three sample runs of the same 100 rows
 * differed by up to 0.23 s of CPU time on a 2-core machine shared with other test suites, so
 * the thresholds alone do not filter noise. Requiring growth at every step rejects most of it.
 */
const NOISE_ABSOLUTE_S = 0.1;
const NOISE_RELATIVE = 0.03;
/**
 * A cell's CPU time must grow by more than this, seconds, to count as data work. Linux counts
 * CPU time in clock ticks of 10 ms (USER_HZ = 100), so a growth of one tick is noise.
 */
const CELL_NOISE_S = 0.015;
/** Share of proportional growth a data cell's CPU time must show (see `dataCellsCpu`). */
const CELL_GROWTH_SHARE = 0.25;
/** A curve other than linear must cut the squared error by this factor to be chosen. */
const NONLINEAR_GAIN = 0.5;

/**
 * Fits the model to two or more sample runs and predicts the runtime at x = 1. Returns null
 * when fewer than two runs are given.
 */
export function fitScaling(points: readonly ScalingPoint[]): ScalingFit | null {
  if (points.length < 2) return null;
  const sorted = mergeCloseShares([...points].sort((left, right) => left.x - right.x));
  const fittedOn = seriesKind(sorted);

  const xs = sorted.map((point) => point.x);
  const ys = fittedOn === 'cell_cpu' ? dataCellsCpu(sorted) : sorted.map((point) => (fittedOn === 'cpu' ? (point.cpuS as number) : point.wallS));
  const growing = fittedOn === 'cell_cpu' ? ys.some((y) => y > 0) : grows(ys);
  const curve = growing ? fitPowerCurve(xs, ys) : flat(ys);

  const fixedS = median(sorted.map((point) => point.wallS - curve.b * point.x ** curve.exponent));
  const distinctX = xs.length;
  return {
    form: 'fixed + b*x^c',
    fittedOn,
    fixedS,
    aS: curve.a,
    bS: curve.b,
    exponent: curve.exponent,
    r2: distinctX >= 3 ? rSquared(xs, ys, curve) : null,
    maxRelativeResidual: distinctX >= 3 ? maxRelativeResidual(xs, ys, curve) : null,
    predictedS: fixedS + curve.b,
  };
}

/**
 * Averages runs whose shares differ by less than SAME_SHARE. Small inputs make this common:
 * every sample keeps at least 100 rows, so 0.5% and 1% of a 10,000-row file are the same 100 rows.
 */
function mergeCloseShares(sorted: ScalingPoint[]): ScalingPoint[] {
  const groups: ScalingPoint[][] = [];
  for (const point of sorted) {
    const group = groups[groups.length - 1];
    if (group !== undefined && point.x <= (group[0] as ScalingPoint).x * (1 + SAME_SHARE)) group.push(point);
    else groups.push([point]);
  }
  return groups.map((group) => {
    const cpu = group.map((point) => point.cpuS);
    const cells = group.map((point) => point.cellsCpuS ?? null);
    const sameCells = cells.every((list) => list !== null && list.length === (cells[0] as number[]).length);
    return {
      x: mean(group.map((point) => point.x)),
      wallS: mean(group.map((point) => point.wallS)),
      cpuS: cpu.every((value) => value !== null) ? mean(cpu as number[]) : null,
      cellsCpuS: sameCells ? (cells[0] as number[]).map((_, cell) => mean(cells.map((list) => (list as number[])[cell] as number))) : null,
    };
  });
}

function seriesKind(points: readonly ScalingPoint[]): ScalingFit['fittedOn'] {
  const cellCount = points[0]?.cellsCpuS?.length ?? 0;
  if (cellCount > 0 && points.every((point) => point.cellsCpuS?.length === cellCount)) return 'cell_cpu';
  return points.every((point) => point.cpuS !== null) ? 'cpu' : 'wall';
}

/**
 * Sums, for each point, the CPU time of the cells whose CPU time grew with the share: at every
 * step, and from the smallest to the largest share by more than CELL_NOISE_S and by at least
 * CELL_GROWTH_SHARE of proportional growth. A cell's CPU time is far steadier than the whole
 * run's, which includes interpreter start-up and imports.
 */
function dataCellsCpu(points: readonly ScalingPoint[]): number[] {
  const cellCount = points[0]?.cellsCpuS?.length ?? 0;
  const smallest = points[0] as ScalingPoint;
  const largest = points[points.length - 1] as ScalingPoint;
  const proportionalGrowth = largest.x / smallest.x - 1;

  const dataCells = Array.from({ length: cellCount }, (_, cell) => cell).filter((cell) => {
    const times = points.map((point) => (point.cellsCpuS as number[])[cell] as number);
    const low = times[0] as number;
    const high = times[times.length - 1] as number;
    const monotone = times.every((time, i) => i === 0 || time >= (times[i - 1] as number));
    return monotone && high - low > CELL_NOISE_S && high >= low * (1 + CELL_GROWTH_SHARE * proportionalGrowth);
  });
  return points.map((point) => sum(dataCells.map((cell) => (point.cellsCpuS as number[])[cell] as number)));
}

/** Returns whether the times grow at every step and by more than noise overall. */
function grows(times: readonly number[]): boolean {
  if (times.length < 2) return false;
  const first = times[0] as number;
  const last = times[times.length - 1] as number;
  const monotone = times.every((time, i) => i === 0 || time >= (times[i - 1] as number));
  return monotone && last - first > Math.max(NOISE_ABSOLUTE_S, NOISE_RELATIVE * first);
}

interface PowerCurve {
  a: number;
  b: number;
  exponent: number;
  sse: number;
}

function flat(ys: readonly number[]): PowerCurve {
  const a = mean(ys);
  return { a, b: 0, exponent: 1, sse: sum(ys.map((y) => (y - a) ** 2)) };
}

/**
 * Fits y = a + b x^c with a, b >= 0 over a grid of exponents. Linear (c = 1) is kept unless
 * another exponent at least halves the squared error: with three noisy points, a free
 * exponent would otherwise follow the noise. With two points every exponent fits, so c = 1.
 */
export function fitPowerCurve(xs: readonly number[], ys: readonly number[]): PowerCurve {
  const linear = fitFixedExponent(xs, ys, 1);
  if (new Set(xs).size < 3) return linear;

  let best = linear;
  for (let exponent = MIN_EXPONENT; exponent <= MAX_EXPONENT + 1e-9; exponent += EXPONENT_STEP) {
    const candidate = fitFixedExponent(xs, ys, Number(exponent.toFixed(2)));
    if (candidate.sse < best.sse) best = candidate;
  }
  return best.sse < NONLINEAR_GAIN * linear.sse ? best : linear;
}

/** Least squares of y = a + b z with z = x^c and a, b >= 0 (the constrained optimum is on an edge when OLS leaves the quadrant). */
function fitFixedExponent(xs: readonly number[], ys: readonly number[], exponent: number): PowerCurve {
  const zs = xs.map((x) => x ** exponent);
  const zMean = mean(zs);
  const yMean = mean(ys);
  const sxx = sum(zs.map((z) => (z - zMean) ** 2));
  const sxy = sum(zs.map((z, i) => (z - zMean) * ((ys[i] as number) - yMean)));

  let b = sxx > 0 ? sxy / sxx : 0;
  let a = yMean - b * zMean;
  if (b < 0) {
    b = 0;
    a = yMean;
  }
  if (a < 0) {
    a = 0;
    const szz = sum(zs.map((z) => z * z));
    b = szz > 0 ? Math.max(0, sum(zs.map((z, i) => z * (ys[i] as number))) / szz) : 0;
  }
  const sse = sum(zs.map((z, i) => (a + b * z - (ys[i] as number)) ** 2));
  return { a, b, exponent, sse };
}

function rSquared(xs: readonly number[], ys: readonly number[], curve: PowerCurve): number | null {
  const yMean = mean(ys);
  const total = sum(ys.map((y) => (y - yMean) ** 2));
  if (total === 0) return null;
  const residual = sum(xs.map((x, i) => (curve.a + curve.b * x ** curve.exponent - (ys[i] as number)) ** 2));
  return 1 - residual / total;
}

function maxRelativeResidual(xs: readonly number[], ys: readonly number[], curve: PowerCurve): number {
  return Math.max(
    ...ys.map((value, i) => (value > 0 ? Math.abs(curve.a + curve.b * (xs[i] as number) ** curve.exponent - value) / value : 0)),
  );
}

function median(values: readonly number[]): number {
  return medianOrNull(values) ?? 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

/** Least-squares fits of y = a + b * x^c, shared by the runtime and the shuffle models of pre-flight. */

const MIN_EXPONENT = 0.5;
const MAX_EXPONENT = 2;
const EXPONENT_STEP = 0.05;
/** A curve other than linear must cut the squared error by this factor to be chosen. */
const NONLINEAR_GAIN = 0.5;

/** Shares closer than this (relative) are one point, because their difference in time or bytes is all noise. */
const SAME_SHARE = 0.1;

export interface PowerCurve {
  a: number;
  b: number;
  exponent: number;
  sse: number;
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

export function rSquared(xs: readonly number[], ys: readonly number[], curve: PowerCurve): number | null {
  const yMean = mean(ys);
  const total = sum(ys.map((y) => (y - yMean) ** 2));
  if (total === 0) return null;
  const residual = sum(xs.map((x, i) => (curve.a + curve.b * x ** curve.exponent - (ys[i] as number)) ** 2));
  return 1 - residual / total;
}

export function maxRelativeResidual(xs: readonly number[], ys: readonly number[], curve: PowerCurve): number {
  return Math.max(
    ...ys.map((value, i) => (value > 0 ? Math.abs(curve.a + curve.b * (xs[i] as number) ** curve.exponent - value) / value : 0)),
  );
}

/** Groups points sorted by share so that each group's shares are within SAME_SHARE of its first. */
export function groupCloseShares<T extends { x: number }>(sorted: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const point of sorted) {
    const group = groups[groups.length - 1];
    if (group !== undefined && point.x <= (group[0] as T).x * (1 + SAME_SHARE)) group.push(point);
    else groups.push([point]);
  }
  return groups;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

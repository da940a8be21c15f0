/**
 * The shuffle model that pre-flight fits to the Spark shuffle bytes of its sample runs.
 *
 * With x the share of the full input that a run read, a run's shuffle bytes are fitted as
 *
 *   shuffle(x) = a + b * x^c        (a, b >= 0, c from 0.5 to 2, linear unless another c halves the error)
 *
 * and the whole input is predicted to shuffle a + b. A run's shuffle bytes are the larger of
 * the bytes its stages read from and wrote to shuffle files. Every shuffled byte is written once
 * and read at least once, and a stage that runs again reads or writes its part again.
 */

import type { SampleRunRecord } from './sample-run.js';
import { fitPowerCurve, groupCloseShares, maxRelativeResidual, mean, rSquared } from './power-curve.js';

export interface ShuffleFit {
  form: 'a + b*x^c';
  /** Shuffle bytes that do not grow with the input, such as a lookup table the code does not sample. */
  a_bytes: number;
  /** Shuffle bytes that grow with the input, at the whole input. */
  b_bytes: number;
  exponent: number;
  /** R² of the fit, or null with fewer than three distinct shares. */
  r2: number | null;
  /** Largest |fitted - measured| / measured over the points, or null as for r2. */
  max_relative_residual: number | null;
  /** The predicted shuffle of the whole input, GB (10^9 bytes). */
  extrapolated_gb: number;
}

/**
 * Fits the shuffle model to the successful runs that report shuffle bytes, or returns null
 * when fewer than two do. Runs whose shares are within 10% of each other count as one point.
 * With a single distinct share the bytes are taken as proportional to the share, because a
 * shuffle moves rows and the runs show no growth to fit.
 */
export function fitShuffle(runs: readonly SampleRunRecord[]): ShuffleFit | null {
  const measured = runs
    .filter((run) => run.outcome === 'succeeded' && typeof run.shuffle_read_bytes === 'number' && typeof run.shuffle_write_bytes === 'number')
    .map((run) => ({ x: run.input_share, bytes: Math.max(run.shuffle_read_bytes as number, run.shuffle_write_bytes as number) }))
    .sort((left, right) => left.x - right.x);
  if (measured.length < 2) return null;

  const points = groupCloseShares(measured).map((group) => ({ x: mean(group.map((point) => point.x)), bytes: mean(group.map((point) => point.bytes)) }));
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.bytes);
  const only = points[0] as { x: number; bytes: number };
  const curve = points.length === 1 ? { a: 0, b: only.bytes / only.x, exponent: 1, sse: 0 } : fitPowerCurve(xs, ys);

  const threePoints = points.length >= 3;
  return {
    form: 'a + b*x^c',
    a_bytes: Math.round(curve.a),
    b_bytes: Math.round(curve.b),
    exponent: curve.exponent,
    r2: threePoints ? rSquared(xs, ys, curve) : null,
    max_relative_residual: threePoints ? maxRelativeResidual(xs, ys, curve) : null,
    extrapolated_gb: Number(((curve.a + curve.b) / 1e9).toPrecision(3)),
  };
}

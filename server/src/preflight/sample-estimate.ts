import { conformalQuantile, median } from './conformal.js';
import type { PastRun, RuntimeEstimate } from './runtime-estimate.js';

/** Sample extrapolations this many or more are calibrated by their own median ratio. */
const MIN_RATIOS_FOR_MEDIAN = 3;
/**
 * p90 / p50 of a sample extrapolation before nine past ratios exist for a conformal quantile. An
 * assumption, widened by the fit's residual: with 50- to 200-fold extrapolation a 10% misfit at
 * the sample points can double at the full size.
 */
const DEFAULT_SAMPLE_P90_RATIO = 1.3;
/** Same-code runs at which history and the sample extrapolation weigh the same in p50. */
const HISTORY_RUNS_FOR_EQUAL_WEIGHT = 1;
/** Same-code runs whose weight stops growing, as the point estimate uses at most three. */
const MAX_HISTORY_RUNS_WEIGHED = 3;

export interface SampleEvidence {
  /** Runtime on the whole input extrapolated from the sample runs, seconds. */
  extrapolatedS: number;
  /** Largest relative residual of the fit, or null with two points. */
  maxRelativeResidual: number | null;
  /** actual / extrapolated of past runs that had sample runs, oldest first. */
  pastRatios: readonly number[];
  /**
   * The same code's past runtimes carried to this input size by the sample model (see
   * `historyThroughModel`). When given, it replaces the history p50, which scales by bytes alone.
   */
  sameCodeP50S?: number | null;
}

/** Same-code runs the history side of the combination uses, as the history estimate does. */
const RECENT_SAME_CODE = 3;

/**
 * Carries the last runs of the same code to the current input with the sample model: each
 * run's runtime over what the model predicts at its own input size, times the extrapolation.
 * Returns null without same-code runs of known size. A rerun on a larger input is then
 * scaled by the measured curve rather than in proportion to its bytes.
 */
export function historyThroughModel(
  history: readonly PastRun[],
  fingerprint: string,
  inputBytes: number,
  model: { fixed_s: number; b_s: number; exponent: number },
  extrapolatedS: number,
): number | null {
  if (inputBytes <= 0 || extrapolatedS <= 0) return null;
  const sameCode = history
    .filter((run) => run.fingerprint === fingerprint && run.inputBytes !== null && run.inputBytes > 0)
    .slice(-RECENT_SAME_CODE);
  const ratios = sameCode.map((run) => {
    const share = (run.inputBytes as number) / inputBytes;
    return run.runtimeS / (model.fixed_s + model.b_s * share ** model.exponent);
  });
  const ratio = median(ratios.filter((value) => Number.isFinite(value) && value > 0));
  return ratio === null ? null : extrapolatedS * ratio;
}

/**
 * Combines the sample extrapolation with the history estimate.
 *
 * The extrapolation is calibrated like history: p50 is it times the median of past
 * actual / extrapolated ratios (once three exist), p90 times their conformal 90% quantile (once
 * nine exist), else times max(1.3, 1 + 2 * residual). When the same code has history, p50 is
 * the weighted geometric mean of the two p50s. History weighs k / (k + 1) for k same-code runs,
 * with k at most three, so one run weighs as much as the sample and three runs three times as
 * much. p90 keeps the wider of the two spreads around that p50, or the sample's alone when the
 * history was carried through the model. Owner-only history is a weaker signal
 * than a sample of the job itself, so the sample estimate replaces it.
 */
export function combineWithSample(history: RuntimeEstimate, sample: SampleEvidence): RuntimeEstimate {
  const ratios = sample.pastRatios;
  const medianRatio = ratios.length >= MIN_RATIOS_FOR_MEDIAN ? (median(ratios) as number) : 1;
  const fallbackP90 = Math.max(DEFAULT_SAMPLE_P90_RATIO, 1 + 2 * (sample.maxRelativeResidual ?? 0), medianRatio);
  const sampleP50 = sample.extrapolatedS * medianRatio;
  const sampleP90 = Math.max(sampleP50, sample.extrapolatedS * (conformalQuantile(ratios, 0.9) ?? fallbackP90));

  const historyUsable = history.basis === 'fingerprint' && history.p50S !== null && history.p50S > 0 && sampleP50 > 0;
  if (!historyUsable) {
    return { p50S: sampleP50, p90S: sampleP90, basis: 'sample', runs: 0, calibrationRuns: ratios.length };
  }

  const historyP50 = sample.sameCodeP50S ?? (history.p50S as number);
  const historyP90 = Math.max(historyP50, history.p90S ?? historyP50);
  const k = Math.min(history.runs, MAX_HISTORY_RUNS_WEIGHED) / HISTORY_RUNS_FOR_EQUAL_WEIGHT;
  const historyWeight = k / (k + 1);
  const p50S = Math.exp(historyWeight * Math.log(historyP50) + (1 - historyWeight) * Math.log(sampleP50));
  // The history estimate's spread measures its byte-proportional scaling, which the model replaced.
  const sampleSpread = sampleP90 / sampleP50;
  const spread = sample.sameCodeP50S == null ? Math.max(historyP90 / historyP50, sampleSpread) : sampleSpread;
  return {
    p50S,
    p90S: p50S * spread,
    basis: 'sample_and_history',
    runs: history.runs,
    calibrationRuns: history.calibrationRuns + ratios.length,
  };
}

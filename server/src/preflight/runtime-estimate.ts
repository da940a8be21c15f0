import { conformalQuantile, median } from './conformal.js';

/** One finished, successful run that estimates learn from. */
export interface PastRun {
  fingerprint: string;
  owner: string;
  inputBytes: number | null;
  runtimeS: number;
}

export interface RuntimeQuery {
  fingerprint: string;
  owner: string;
  inputBytes: number | null;
  declaredP50S: number | null;
  declaredP90S: number | null;
}

export interface RuntimeEstimate {
  p50S: number | null;
  p90S: number | null;
  /**
   * Source of the estimate: runs of the same code, runs of the same owner, the spec, sample
   * runs alone or combined with runs of the same code, or nothing.
   */
  basis: 'fingerprint' | 'owner' | 'declared' | 'sample' | 'sample_and_history' | 'unknown';
  /** Past runs the point estimate used. */
  runs: number;
  /** Residual ratios (actual / point) the calibration used. */
  calibrationRuns: number;
}

/** Runs of the same code used for the point estimate; older runs describe older data. */
const RECENT_SAME_CODE = 3;
/** Past predictions whose ratio residuals calibrate the quantiles. */
const CALIBRATION_WINDOW = 50;
/** Fewer ratios than this give a noisy median, so p50 stays the point estimate. */
const MIN_RATIOS_FOR_MEDIAN = 3;
/**
 * p90 / point when too few residuals exist for a conformal 90% quantile (which needs 9). An
 * assumption, not a measurement: twice the estimate covers most reruns of the same notebook.
 */
const DEFAULT_P90_RATIO = 2;
/** Input-size scaling of a same-code estimate is clamped, because runtime is rarely linear far away. */
const MAX_INPUT_SCALE = 4;

/**
 * Estimates p50 and p90 of a job's runtime. The point estimate is the median of the last runs of
 * the same code, scaled by the input size, or else the mean of the owner's last two runs
 * (Tsafrir, Etsion and Feitelson, 2007). Both quantiles are the point estimate times the
 * empirical quantile of past ratio residuals (actual / point, each predicted from the runs
 * before it), which is split-conformal calibration. Without history the declared ETAs are used.
 * `history` holds the runs of the same code or owner, oldest first.
 */
export function estimateRuntime(query: RuntimeQuery, history: readonly PastRun[]): RuntimeEstimate {
  const point = pointEstimate(query, history);
  if (point === null) return declaredEstimate(query);

  const ratios = residualRatios(history).slice(-CALIBRATION_WINDOW);
  const medianRatio = ratios.length >= MIN_RATIOS_FOR_MEDIAN ? (median(ratios) as number) : 1;
  const p90Ratio = conformalQuantile(ratios, 0.9) ?? Math.max(DEFAULT_P90_RATIO, medianRatio);
  const p50S = point.value * medianRatio;
  return {
    p50S,
    p90S: Math.max(p50S, point.value * p90Ratio),
    basis: point.basis,
    runs: point.runs,
    calibrationRuns: ratios.length,
  };
}

interface PointEstimate {
  value: number;
  basis: 'fingerprint' | 'owner';
  runs: number;
}

function pointEstimate(query: Omit<RuntimeQuery, 'declaredP50S' | 'declaredP90S'>, before: readonly PastRun[]): PointEstimate | null {
  const sameCode = before.filter((run) => run.fingerprint === query.fingerprint).slice(-RECENT_SAME_CODE);
  if (sameCode.length > 0) {
    const runtime = median(sameCode.map((run) => run.runtimeS)) as number;
    const pastBytes = median(sameCode.flatMap((run) => (run.inputBytes !== null && run.inputBytes > 0 ? [run.inputBytes] : [])));
    let scale = 1;
    if (pastBytes !== null && query.inputBytes !== null && query.inputBytes > 0) {
      scale = Math.min(MAX_INPUT_SCALE, Math.max(1 / MAX_INPUT_SCALE, query.inputBytes / pastBytes));
    }
    return { value: runtime * scale, basis: 'fingerprint', runs: sameCode.length };
  }

  const sameOwner = before.filter((run) => run.owner === query.owner).slice(-2);
  if (sameOwner.length === 0) return null;
  const mean = sameOwner.reduce((sum, run) => sum + run.runtimeS, 0) / sameOwner.length;
  return { value: mean, basis: 'owner', runs: sameOwner.length };
}

/** Predicts each past run from the runs before it and returns actual / predicted. */
function residualRatios(history: readonly PastRun[]): number[] {
  const ratios: number[] = [];
  for (let i = 1; i < history.length; i += 1) {
    const target = history[i] as PastRun;
    const point = pointEstimate(target, history.slice(0, i));
    if (point === null || point.value <= 0 || target.runtimeS <= 0) continue;
    ratios.push(target.runtimeS / point.value);
  }
  return ratios;
}

function declaredEstimate(query: RuntimeQuery): RuntimeEstimate {
  const known = query.declaredP50S !== null || query.declaredP90S !== null;
  return {
    p50S: query.declaredP50S,
    p90S: query.declaredP90S,
    basis: known ? 'declared' : 'unknown',
    runs: 0,
    calibrationRuns: 0,
  };
}

import { median } from '../conformal.js';

/** A finished job of one user, as known to later predictions. */
export interface FinishedJob {
  runtimeS: number;
  requestedTimeS: number | null;
  requestedProcs: number | null;
}

/** Request fields of the job to predict, known at its submission. */
export interface JobFeatures {
  requestedTimeS: number | null;
  requestedProcs: number | null;
}

/** A named point predictor over one user's finished jobs, most recent last. */
export interface Candidate {
  name: string;
  predict(history: readonly FinishedJob[], job: JobFeatures): number | null;
}

const lastRuntimes = (history: readonly FinishedJob[], count: number): number[] =>
  history.slice(-count).map((finished) => finished.runtimeS);

/** Earlier jobs submitted with the same requested time and processors: usually reruns of one script. */
function similarJobs(history: readonly FinishedJob[], job: JobFeatures): FinishedJob[] {
  if (job.requestedTimeS === null && job.requestedProcs === null) return [];
  return history.filter((finished) => finished.requestedTimeS === job.requestedTimeS && finished.requestedProcs === job.requestedProcs);
}

/**
 * Returns the runtime within ±25% of the largest recency-weighted share of `runtimes` (oldest
 * first), the value the hit metric rewards. The hit interval of a runtime r is [0.75 r, 1.25 r];
 * the best point lies where most intervals overlap, and the middle of that overlap is returned.
 */
export function densestRuntime(runtimes: readonly number[], decay: number): number | null {
  if (runtimes.length === 0) return null;
  const weights = runtimes.map((_, i) => decay ** (runtimes.length - 1 - i));
  let bestWeight = -1;
  let bestRange: [number, number] = [0, 0];
  for (const anchor of runtimes) {
    const point = 0.75 * anchor;
    let weight = 0;
    let low = 0;
    let high = Infinity;
    runtimes.forEach((runtime, i) => {
      if (0.75 * runtime <= point && point <= 1.25 * runtime) {
        weight += weights[i] as number;
        low = Math.max(low, 0.75 * runtime);
        high = Math.min(high, 1.25 * runtime);
      }
    });
    if (weight > bestWeight) {
      bestWeight = weight;
      bestRange = [low, high];
    }
  }
  return (bestRange[0] + bestRange[1]) / 2;
}

/**
 * Returns the factor s that makes s·x a ±25% hit for the largest number of `ratios` (actual / x).
 * The hit interval of a ratio q is [0.75 q, 1.25 q]. A sweep over the sorted interval ends finds
 * where most of them overlap, in O(n log n), and the middle of that overlap is returned (null
 * for no ratios).
 */
export function bestScale(ratios: readonly number[]): number | null {
  if (ratios.length === 0) return null;
  const ends: Array<[number, number]> = [];
  for (const ratio of ratios) {
    ends.push([0.75 * ratio, 1], [1.25 * ratio, -1]);
  }
  // Openings sort before closings at the same point, because both ends of a hit interval count.
  ends.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let open = 0;
  let bestOpen = 0;
  let bestLow = 1;
  let bestHigh = 1;
  for (let i = 0; i < ends.length; i += 1) {
    const [point, change] = ends[i] as [number, number];
    open += change;
    if (change === 1 && open > bestOpen) {
      bestOpen = open;
      bestLow = point;
      bestHigh = (ends[i + 1] as [number, number])[0];
    }
  }
  return (bestLow + bestHigh) / 2;
}

/**
 * The point predictors the replay chooses from per user. Each returns null when it has nothing
 * to go on; the caller caps every prediction at the requested time, the scheduler's kill limit.
 */
export const CANDIDATES: readonly Candidate[] = [
  { name: 'last1', predict: (history) => (history.length === 0 ? null : (history.at(-1) as FinishedJob).runtimeS) },
  {
    name: 'last2',
    predict: (history) => {
      const runtimes = lastRuntimes(history, 2);
      return runtimes.length === 0 ? null : runtimes.reduce((a, b) => a + b, 0) / runtimes.length;
    },
  },
  { name: 'median5', predict: (history) => median(lastRuntimes(history, 5)) },
  {
    name: 'similar_last',
    predict: (history, job) => similarJobs(history, job).at(-1)?.runtimeS ?? null,
  },
  {
    name: 'similar_median3',
    predict: (history, job) => median(lastRuntimes(similarJobs(history, job), 3)),
  },
  {
    name: 'requested_ratio',
    predict: (history, job) => {
      if (job.requestedTimeS === null) return null;
      const ratios = history
        .slice(-5)
        .flatMap((finished) => (finished.requestedTimeS === null ? [] : [finished.runtimeS / finished.requestedTimeS]));
      const ratio = median(ratios);
      return ratio === null ? null : job.requestedTimeS * ratio;
    },
  },
  { name: 'densest10', predict: (history) => densestRuntime(lastRuntimes(history, 10), 0.9) },
  { name: 'similar_densest5', predict: (history, job) => densestRuntime(lastRuntimes(similarJobs(history, job), 5), 0.9) },
  {
    name: 'same_request_densest5',
    predict: (history, job) =>
      densestRuntime(lastRuntimes(history.filter((finished) => finished.requestedTimeS === job.requestedTimeS), 5), 0.9),
  },
  {
    name: 'same_procs_densest5',
    predict: (history, job) =>
      densestRuntime(lastRuntimes(history.filter((finished) => finished.requestedProcs === job.requestedProcs), 5), 0.9),
  },
  { name: 'similar_densest20', predict: (history, job) => densestRuntime(lastRuntimes(similarJobs(history, job), 20), 0.95) },
  { name: 'densest50', predict: (history) => densestRuntime(lastRuntimes(history, 50), 0.97) },
  { name: 'similar_densest50', predict: (history, job) => densestRuntime(lastRuntimes(similarJobs(history, job), 50), 0.99) },
  { name: 'requested', predict: (_history, job) => job.requestedTimeS },
];

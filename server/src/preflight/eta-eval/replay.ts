import type { SwfRecord } from '../../replay/swf.js';
import { conformalQuantile, median } from '../conformal.js';
import { bestScale, CANDIDATES, type FinishedJob, type JobFeatures } from './candidates.js';
import { LogisticSelector } from './logistic-selector.js';
import {
  argmaxScore,
  candidateFeatures,
  chooseCandidate,
  contextOf,
  FEATURE_COUNT,
  groupScoresOf,
  scoresOf,
  voteCandidates,
  type Score,
} from './selection.js';
import { CoverageCounter, HitCounter, isWithinTolerance } from './metrics.js';

/** One trace job, with the fields the evaluation uses. */
export interface EvalJob {
  id: number;
  submitS: number;
  /** When its runtime became known: submit + wait + run. */
  endS: number;
  runtimeS: number;
  userId: number;
  features: JobFeatures;
}

export interface EtaEvalOptions {
  /** Weight of a candidate's global hit rate, in jobs, against the user's own record. */
  priorJobs: number;
  /** Per-step decay of a user's candidate record, so recent behaviour counts more. */
  decay: number;
  /** A user needs this many residual ratios before their own p90 quantile replaces the global one. */
  minUserRatios: number;
  /** Residual ratios kept per user and globally. */
  userRatioWindow: number;
  globalRatioWindow: number;
  selector: 'logistic' | 'vote' | 'rate';
  /** Step size of the logistic selector's gradient descent. */
  learningRate: number;
  /** Residual ratios kept per candidate for its scale factor; 0 turns scaling off. */
  scaleWindow: number;
  /** Finished jobs between recomputations of the scale factors. */
  scaleEvery: number;
  context: boolean;
}

export const DEFAULT_ETA_EVAL_OPTIONS: EtaEvalOptions = {
  priorJobs: 2,
  decay: 0.9,
  minUserRatios: 20,
  userRatioWindow: 50,
  globalRatioWindow: 1000,
  selector: 'logistic',
  learningRate: 0.01,
  scaleWindow: 2000,
  scaleEvery: 100,
  context: true,
};

export interface EtaEvalResult {
  jobs_counted: number;
  jobs_skipped: number;
  within_25_pct: number | null;
  p90_coverage_pct: number | null;
  baseline_requested_within_25_pct: number | null;
  baseline_last2_within_25_pct: number | null;
  /** Share of jobs for which at least one candidate was a hit: the ceiling of choosing among them. */
  any_candidate_within_25_pct: number | null;
  /** How often each point predictor was chosen. */
  chosen: Record<string, number>;
}

/** Keeps the jobs with a runtime and a user, in submission order; the rest cannot be scored. */
export function evalJobsFromSwf(records: readonly SwfRecord[]): { jobs: EvalJob[]; skipped: number } {
  const jobs: EvalJob[] = [];
  for (const record of records) {
    if (record.runS <= 0 || record.userId < 0) continue;
    jobs.push({
      id: record.jobId,
      submitS: record.submitS,
      endS: record.submitS + Math.max(0, record.waitS) + record.runS,
      runtimeS: record.runS,
      userId: record.userId,
      features: {
        requestedTimeS: record.requestedTimeS > 0 ? record.requestedTimeS : null,
        requestedProcs: record.requestedProcs > 0 ? record.requestedProcs : null,
      },
    });
  }
  jobs.sort((a, b) => a.submitS - b.submitS || a.id - b.id);
  return { jobs, skipped: records.length - jobs.length };
}

interface UserState {
  history: FinishedJob[];
  scores: Map<string, Score>;
  ratios: number[];
}

interface Pending {
  job: EvalJob;
  candidates: Map<string, number>;
  /** Candidate values before scaling and capping. */
  raw: Map<string, number>;
  predictedS: number;
  context: string;
  features: Map<string, Float64Array>;
}

/**
 * Replays jobs in submission order and predicts each runtime only from what had finished by its
 * submission: the user's finished jobs, the job's requested time and processors, and residuals of
 * earlier predictions. Several point predictors (candidates.ts) each propose a value, scaled by
 * the factor that made that predictor hit most often so far and capped at the request. An online
 * logistic regression over each proposal's hit record (global, per situation, per user, per job
 * group) picks one. p90 is the point times the conformal 90% quantile of the user's residual
 * ratios (actual / predicted), or of everyone's until the user has enough.
 */
export function evaluateEta(jobs: readonly EvalJob[], options: EtaEvalOptions = DEFAULT_ETA_EVAL_OPTIONS): Omit<EtaEvalResult, 'jobs_skipped'> {
  const byEnd = [...jobs].sort((a, b) => a.endS - b.endS || a.id - b.id);
  const pending = new Map<number, Pending>();
  const users = new Map<number, UserState>();
  const globalScores = new Map<string, Score>();
  const groupScores = new Map<string, Map<string, Score>>();
  const contextScores = new Map<string, Map<string, Score>>();
  const selector = new LogisticSelector(FEATURE_COUNT, options.learningRate);
  const globalRatios: number[] = [];
  const requestedRatios: number[] = [];
  const recentRuntimes: number[] = [];
  const candidateRatios = new Map<string, number[]>();
  const scales = new Map<string, number>();
  let releasedSinceScale = 0;

  const model = new HitCounter();
  const coverage = new CoverageCounter();
  const requested = new HitCounter();
  const lastTwo = new HitCounter();
  const anyCandidate = new HitCounter();
  const chosen: Record<string, number> = {};
  let released = 0;

  const userState = (userId: number): UserState => {
    let state = users.get(userId);
    if (state === undefined) {
      state = { history: [], scores: new Map(), ratios: [] };
      users.set(userId, state);
    }
    return state;
  };

  const release = (finished: Pending): void => {
    const { job } = finished;
    const user = userState(job.userId);
    for (const [name, vector] of finished.features) {
      selector.learn(vector, isWithinTolerance(finished.candidates.get(name) as number, job.runtimeS));
    }

    for (const [name, predictedS] of finished.candidates) {
      const ratios = candidateRatios.get(name) ?? [];
      pushBounded(ratios, job.runtimeS / (finished.raw.get(name) as number), options.scaleWindow);
      candidateRatios.set(name, ratios);

      const hit = isWithinTolerance(predictedS, job.runtimeS) ? 1 : 0;
      addHit(user.scores, name, hit, options.decay);
      addHit(groupScoresOf(groupScores, job), name, hit, options.decay);
      addHit(scoresOf(contextScores, finished.context), name, hit, 1);
      addHit(globalScores, name, hit, 1);
    }

    const ratio = job.runtimeS / finished.predictedS;
    pushBounded(user.ratios, ratio, options.userRatioWindow);
    pushBounded(globalRatios, ratio, options.globalRatioWindow);
    if (job.features.requestedTimeS !== null) {
      pushBounded(requestedRatios, job.runtimeS / job.features.requestedTimeS, options.globalRatioWindow);
    }
    pushBounded(recentRuntimes, job.runtimeS, options.globalRatioWindow);

    releasedSinceScale += 1;
    if (options.scaleWindow > 0 && releasedSinceScale >= options.scaleEvery) {
      releasedSinceScale = 0;
      for (const [name, ratios] of candidateRatios) scales.set(name, bestScale(ratios) ?? 1);
    }
    user.history.push({ runtimeS: job.runtimeS, ...job.features });
  };

  for (const job of jobs) {
    while (released < byEnd.length && (byEnd[released] as EvalJob).endS <= job.submitS) {
      const done = pending.get((byEnd[released] as EvalJob).id);
      released += 1;
      if (done === undefined) continue;
      pending.delete(done.job.id);
      release(done);
    }

    const user = userState(job.userId);
    const cap = job.features.requestedTimeS;
    const candidates = new Map<string, number>();
    const raw = new Map<string, number>();
    for (const candidate of CANDIDATES) {
      const value = candidate.predict(user.history, job.features);
      if (value === null || !(value > 0)) continue;
      raw.set(candidate.name, value);
      const scaled = value * (scales.get(candidate.name) ?? 1);
      candidates.set(candidate.name, cap === null ? scaled : Math.min(scaled, cap));
    }

    const context = contextOf(user.history, job.features);
    const levels = options.context
      ? [globalScores, scoresOf(contextScores, context), user.scores, groupScoresOf(groupScores, job)]
      : [globalScores, user.scores, groupScoresOf(groupScores, job)];
    const features = new Map<string, Float64Array>();
    for (const [name, value] of candidates) {
      features.set(name, candidateFeatures(name, value, candidates, levels, options.priorJobs, cap, user.history.length, context));
    }
    let best: string | null;
    if (options.selector === 'logistic') best = argmaxScore(features, selector);
    else if (options.selector === 'vote') best = voteCandidates(candidates, levels, options.priorJobs);
    else best = chooseCandidate(candidates, levels, options.priorJobs);
    const fallback = fallbackPrediction(job.features, requestedRatios, recentRuntimes);
    const predictedS = best === null ? fallback : (candidates.get(best) as number);
    chosen[best ?? 'global_fallback'] = (chosen[best ?? 'global_fallback'] ?? 0) + 1;

    const ratios = user.ratios.length >= options.minUserRatios ? user.ratios : globalRatios;
    const p90Ratio = Math.max(1, conformalQuantile(ratios, 0.9) ?? 2);
    model.add(predictedS, job.runtimeS);
    const anyHit = [...candidates.values(), fallback].find((value) => isWithinTolerance(value, job.runtimeS));
    anyCandidate.add(anyHit ?? null, job.runtimeS);
    coverage.add(predictedS * p90Ratio, job.runtimeS);

    requested.add(job.features.requestedTimeS, job.runtimeS);
    // Tsafrir, Etsion and Feitelson (2007) fall back to the user's request when there is no history.
    let lastTwoS = raw.get('last2') ?? cap;
    if (lastTwoS !== null && cap !== null) lastTwoS = Math.min(lastTwoS, cap);
    lastTwo.add(lastTwoS, job.runtimeS);

    pending.set(job.id, { job, candidates, raw, predictedS, context, features });
  }

  return {
    jobs_counted: jobs.length,
    within_25_pct: model.percent(),
    p90_coverage_pct: coverage.percent(),
    baseline_requested_within_25_pct: jobs.some((job) => job.features.requestedTimeS !== null) ? requested.percent() : null,
    baseline_last2_within_25_pct: lastTwo.percent(),
    any_candidate_within_25_pct: anyCandidate.percent(),
    chosen,
  };
}

/**
 * For a user with no finished job: the request times the share of requests recent jobs used,
 * or without a request the median of recent runtimes of everyone.
 */
function fallbackPrediction(features: JobFeatures, requestedRatios: number[], recentRuntimes: number[]): number {
  if (features.requestedTimeS !== null) return features.requestedTimeS * (median(requestedRatios) ?? 1);
  // NOTE: the first job of a trace without requested times has nothing to go on; one hour is a placeholder.
  return median(recentRuntimes) ?? 3600;
}

/** Adds one outcome to a candidate's record, after decaying the older ones by `decay`. */
function addHit(scores: Map<string, Score>, name: string, hit: number, decay: number): void {
  const own = scores.get(name) ?? { hits: 0, weight: 0 };
  scores.set(name, { hits: own.hits * decay + hit, weight: own.weight * decay + 1 });
}

function pushBounded(values: number[], value: number, limit: number): void {
  values.push(value);
  if (values.length > limit) values.shift();
}

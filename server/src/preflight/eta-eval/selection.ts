import { CANDIDATES, type FinishedJob, type JobFeatures } from './candidates.js';
import type { LogisticSelector } from './logistic-selector.js';

/** A decayed record of ±25% hits of one candidate. */
export interface Score {
  hits: number;
  weight: number;
}

/** Fields of the job group key: a user's jobs with the same requested time and processors. */
export interface GroupedJob {
  userId: number;
  features: JobFeatures;
}

/** Returns the scores stored under `key`, created empty on first use. */
export function scoresOf(table: Map<string, Map<string, Score>>, key: string): Map<string, Score> {
  let scores = table.get(key);
  if (scores === undefined) {
    scores = new Map();
    table.set(key, scores);
  }
  return scores;
}

/**
 * Names the situation of a prediction, since which predictor works depends on it: whether the
 * user ran this job shape before, and how much of its request the user's last job used.
 */
export function contextOf(history: readonly FinishedJob[], features: JobFeatures): string {
  const similar = history.some(
    (finished) => finished.requestedTimeS === features.requestedTimeS && finished.requestedProcs === features.requestedProcs,
  );
  const last = history.at(-1);
  let used = 'none';
  if (last !== undefined && last.requestedTimeS !== null) {
    const share = last.runtimeS / last.requestedTimeS;
    if (share < 0.05) used = 'crashed';
    else if (share < 0.3) used = 'short';
    else if (share < 0.9) used = 'most';
    else used = 'limit';
  }
  return `${similar ? 'similar' : 'new'}:${used}`;
}

/** Scores of the jobs a user submitted with the same requested time and processors, usually one script. */
export function groupScoresOf(groups: Map<string, Map<string, Score>>, job: GroupedJob): Map<string, Score> {
  const key = `${job.userId}:${job.features.requestedTimeS}:${job.features.requestedProcs}`;
  let scores = groups.get(key);
  if (scores === undefined) {
    scores = new Map();
    groups.set(key, scores);
  }
  return scores;
}

/**
 * Returns a candidate's hit rate, shrunk level by level from the global rate towards the user's
 * and then the job group's own record, each more specific level counting as `priorJobs` jobs.
 */
export function blendedRate(name: string, levels: ReadonlyArray<Map<string, Score>>, priorJobs: number): number {
  let rate = 0.5;
  levels.forEach((scores, depth) => {
    const own = scores.get(name) ?? { hits: 0, weight: 0 };
    const prior = depth === 0 ? 1 : priorJobs;
    rate = (own.hits + prior * rate) / (own.weight + prior);
  });
  return rate;
}

const CANDIDATE_INDEX = new Map(CANDIDATES.map((candidate, i) => [candidate.name, i]));
const CONTEXTS = ['similar', 'new'].flatMap((shape) => ['none', 'crashed', 'short', 'most', 'limit'].map((used) => `${shape}:${used}`));
const CONTEXT_INDEX = new Map(CONTEXTS.map((context, i) => [context, i]));
/**
 * Candidate one-hot, candidate × context one-hot, four blended rates, agreement, log value /
 * request, capped, log history length, bias.
 */
export const FEATURE_COUNT = CANDIDATES.length * (1 + CONTEXTS.length) + 4 + 6;

export function candidateFeatures(
  name: string,
  value: number,
  candidates: Map<string, number>,
  levels: ReadonlyArray<Map<string, Score>>,
  priorJobs: number,
  cap: number | null,
  historyLength: number,
  context: string,
): Float64Array {
  const features = new Float64Array(FEATURE_COUNT);
  const candidateIndex = CANDIDATE_INDEX.get(name) as number;
  features[candidateIndex] = 1;
  features[CANDIDATES.length * (1 + (CONTEXT_INDEX.get(context) as number)) + candidateIndex] = 1;
  let offset = CANDIDATES.length * (1 + CONTEXTS.length);
  for (let depth = 1; depth <= 4; depth += 1) {
    features[offset] = depth <= levels.length ? blendedRate(name, levels.slice(0, depth), priorJobs) : 0;
    offset += 1;
  }
  let agreeing = 0;
  for (const [other, otherValue] of candidates) {
    if (other !== name && otherValue >= value / 1.25 && otherValue <= value * 1.25) agreeing += 1;
  }
  features[offset] = agreeing / Math.max(1, candidates.size - 1);
  features[offset + 1] = cap === null ? 0 : Math.log(value / cap);
  features[offset + 2] = cap !== null && value >= cap ? 1 : 0;
  features[offset + 3] = Math.log1p(historyLength) / 5;
  features[offset + 4] = 1;
  // Evidence behind the job group's own rate: a rate from two reruns deserves less trust than one from twenty.
  features[offset + 5] = Math.log1p((levels.at(-1)?.get(name) ?? { weight: 0 }).weight) / 3;
  return features;
}

export function argmaxScore(features: Map<string, Float64Array>, selector: LogisticSelector): string | null {
  let best: string | null = null;
  let bestScore = -Infinity;
  for (const [name, vector] of features) {
    const score = selector.score(vector);
    if (score > bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

/** Picks the candidate with the highest blended hit rate. */
export function chooseCandidate(candidates: Map<string, number>, levels: ReadonlyArray<Map<string, Score>>, priorJobs: number): string | null {
  let best: string | null = null;
  let bestRate = -1;
  for (const name of candidates.keys()) {
    const rate = blendedRate(name, levels, priorJobs);
    if (rate > bestRate) {
      best = name;
      bestRate = rate;
    }
  }
  return best;
}

/**
 * Picks the candidate whose value the most candidates agree with, each weighted by the square of
 * its blended hit rate: a candidate supports a value when both could be hits for the same runtime.
 */
export function voteCandidates(candidates: Map<string, number>, levels: ReadonlyArray<Map<string, Score>>, priorJobs: number): string | null {
  let best: string | null = null;
  let bestSupport = -1;
  for (const [name, value] of candidates) {
    let support = 0;
    for (const [other, otherValue] of candidates) {
      if (otherValue >= value / 1.25 && otherValue <= value * 1.25) support += blendedRate(other, levels, priorJobs) ** 2;
    }
    if (support > bestSupport) {
      best = name;
      bestSupport = support;
    }
  }
  return best;
}


import type { JobOutcome, SimulationResult } from './simulator.js';

/** The replay report; times in seconds. */
export interface ReplayReport {
  trace: string;
  policy: string;
  jobs: number;
  /** Jobs that never started because no slot ever fit them. */
  unscheduled: number;
  interactive_jobs: number;
  interactive_wait_p50_s: number;
  interactive_wait_p95_s: number;
  heavy_start_p95_s: number;
  utilization: number;
  avg_bounded_slowdown: number;
  jain_fairness: number;
  floor_violations: number;
  floor_violation_s: number;
  /** Share of promised jobs whose start fell within max(10 min, 25% of the wait) of the promise. */
  promise_within_tolerance_pct: number;
  promised_jobs: number;
  preemptions: number;
  decisions: number;
  wall_s: number;
}

/** Runtime floor of the bounded slowdown, as in Feitelson's definition and RLScheduler. */
export const BOUNDED_SLOWDOWN_FLOOR_S = 10;

/** max(1, (end - submit) / max(runtime, 10 s)), with the runtime recorded in the trace. */
export function boundedSlowdown(outcome: JobOutcome): number {
  if (outcome.end === null) return NaN;
  const responseS = (outcome.end - outcome.submittedAt) / 1000;
  return Math.max(1, responseS / Math.max(outcome.traceRunS, BOUNDED_SLOWDOWN_FLOOR_S));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/**
 * Jain's index over users of 1 / (the user's mean bounded slowdown): 1 when every user sees the
 * same slowdown, 1/n when one user gets all the service.
 */
export function jainFairness(outcomes: JobOutcome[]): number {
  const perUser = new Map<string, number[]>();
  for (const outcome of outcomes) {
    const slowdown = boundedSlowdown(outcome);
    if (Number.isNaN(slowdown)) continue;
    const list = perUser.get(outcome.owner);
    if (list === undefined) perUser.set(outcome.owner, [slowdown]);
    else list.push(slowdown);
  }
  const service = [...perUser.values()].map((list) => list.length / list.reduce((a, b) => a + b, 0));
  if (service.length === 0) return 1;
  const sum = service.reduce((a, b) => a + b, 0);
  const squares = service.reduce((a, b) => a + b * b, 0);
  return (sum * sum) / (service.length * squares);
}

/** A promise holds when the actual start is within max(10 min, 25% of the actual wait) of it. */
export function promiseHeld(outcome: JobOutcome): boolean {
  if (outcome.promisedStart === null || outcome.firstStart === null) return false;
  const waitS = (outcome.firstStart - outcome.submittedAt) / 1000;
  const toleranceS = Math.max(600, 0.25 * waitS);
  return Math.abs(outcome.firstStart - outcome.promisedStart) / 1000 <= toleranceS;
}

export function buildReport(
  trace: string,
  policy: string,
  capacityCores: number,
  result: SimulationResult,
  wallS: number,
): ReplayReport {
  const outcomes = result.outcomes;
  const started = outcomes.filter((outcome) => outcome.firstStart !== null && outcome.end !== null);
  const waitS = (outcome: JobOutcome): number => ((outcome.firstStart ?? 0) - outcome.submittedAt) / 1000;
  const interactive = started.filter((outcome) => outcome.pool === 'interactive').map(waitS);
  const heavy = started.filter((outcome) => outcome.pool === 'heavy').map(waitS);

  const firstSubmit = outcomes.reduce((min, outcome) => Math.min(min, outcome.submittedAt), Infinity);
  const lastEnd = started.reduce((max, outcome) => Math.max(max, outcome.end ?? 0), -Infinity);
  const spanS = Math.max(1, (lastEnd - firstSubmit) / 1000);
  const work = started.reduce((total, outcome) => total + outcome.coreSeconds, 0);

  const slowdowns = started.map(boundedSlowdown);
  const promised = outcomes.filter((outcome) => outcome.promisedStart !== null && outcome.firstStart !== null);

  return {
    trace,
    policy,
    jobs: outcomes.length,
    unscheduled: outcomes.length - started.length,
    interactive_jobs: interactive.length,
    interactive_wait_p50_s: round(percentile(interactive, 0.5)),
    interactive_wait_p95_s: round(percentile(interactive, 0.95)),
    heavy_start_p95_s: round(percentile(heavy, 0.95)),
    utilization: round(work / (capacityCores * spanS), 4),
    avg_bounded_slowdown: round(slowdowns.reduce((a, b) => a + b, 0) / Math.max(1, slowdowns.length)),
    jain_fairness: round(jainFairness(started), 4),
    floor_violations: result.floorViolations,
    floor_violation_s: Math.round(result.floorViolationS),
    promise_within_tolerance_pct: round((100 * promised.filter(promiseHeld).length) / Math.max(1, promised.length)),
    promised_jobs: promised.length,
    preemptions: result.preemptions,
    decisions: result.decisions,
    wall_s: round(wallS, 3),
  };
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

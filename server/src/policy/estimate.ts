import type { DofcPolicyConfig } from './config.js';
import type { PolicyJob, RunningPolicyJob } from './types.js';

/**
 * The runtime the plan assumes for a job, in seconds: its p90 estimate, else its timeout, else
 * the configured default.
 */
export function plannedRuntimeS(job: PolicyJob, config: Pick<DofcPolicyConfig, 'runtime'>): number {
  const p90 = job.etaP90S ?? job.timeoutS ?? config.runtime.defaultP90S;
  return Math.max(0, p90);
}

/** Seconds of the planned runtime still ahead of a job that has not started or is paused. */
export function remainingRuntimeS(job: PolicyJob, config: Pick<DofcPolicyConfig, 'runtime'>): number {
  const left = plannedRuntimeS(job, config) - (job.ranS ?? 0);
  // A paused job that already outran its estimate still needs some time to finish.
  return left > 0 ? left : config.runtime.overrunExtensionS;
}

/** Start of a running job's current run: its resume time after a pause, else its start. */
export function currentRunStart(job: RunningPolicyJob): number {
  return job.resumedAt ?? job.startedAt;
}

/** The instant a running job's p90 estimate says it ends. */
export function p90End(job: RunningPolicyJob, config: Pick<DofcPolicyConfig, 'runtime'>): number {
  return currentRunStart(job) + (plannedRuntimeS(job, config) - (job.ranS ?? 0)) * 1000;
}

/**
 * The instant a running job is expected to end. A job past its p90 end is assumed to need
 * `overrunExtensionS` more, counted from now, so the plan never books its capacity in the past.
 */
export function expectedEnd(job: RunningPolicyJob, now: number, config: Pick<DofcPolicyConfig, 'runtime'>): number {
  const end = p90End(job, config);
  return end > now ? end : now + config.runtime.overrunExtensionS * 1000;
}

/** True when a running job has passed the end its p90 estimate gave. */
export function hasOverrun(job: RunningPolicyJob, now: number, config: Pick<DofcPolicyConfig, 'runtime'>): boolean {
  return p90End(job, config) <= now;
}

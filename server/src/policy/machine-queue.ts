import type { DofcPolicyConfig } from './config.js';
import { expectedEnd, remainingRuntimeS } from './estimate.js';
import { StepProfile } from './profile.js';
import type { PolicyJob, PolicySnapshot, WaitDecision } from './types.js';

/**
 * Shared parts of the whole-machine baselines (strict FCFS and EASY): one queue in submit
 * order, no pools, runtimes from the p90 estimate (the user's requested time in a trace).
 */

export const BASELINE_RUNTIME: Pick<DofcPolicyConfig, 'runtime'> = {
  runtime: { defaultP90S: 6 * 3600, overrunExtensionS: 300 },
};

/** Free machine capacity over time, with every running job booked until its expected end. */
export function machineProfile(snapshot: PolicySnapshot): StepProfile {
  const profile = new StepProfile(snapshot.now, snapshot.capacity.cores, snapshot.capacity.memGb);
  for (const job of snapshot.running) {
    profile.add(snapshot.now, expectedEnd(job, snapshot.now, BASELINE_RUNTIME), -job.demand.cores, -job.demand.memGb);
  }
  return profile;
}

export function inSubmitOrder(jobs: PolicyJob[]): PolicyJob[] {
  return [...jobs].sort((a, b) => a.submittedAt - b.submittedAt || a.id - b.id);
}

export function runtimeMs(job: PolicyJob): number {
  return remainingRuntimeS(job, BASELINE_RUNTIME) * 1000;
}

export function fitsMachine(job: PolicyJob, snapshot: PolicySnapshot): boolean {
  return job.demand.cores <= snapshot.capacity.cores && job.demand.memGb <= snapshot.capacity.memGb;
}

/** Returns the wait decision of a job wider than the whole machine, which can never start. */
export function tooWideDecision(job: PolicyJob, position: number, snapshot: PolicySnapshot): WaitDecision {
  return {
    kind: 'wait',
    jobId: job.id,
    position,
    plannedStart: null,
    reason: {
      code: 'exceeds_capacity',
      message: `Asks for ${job.demand.cores} cores and ${job.demand.memGb} GB; the machine has ${snapshot.capacity.cores} cores and ${snapshot.capacity.memGb} GB.`,
    },
  };
}

import type { Label, PoolName, Priority } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';

/**
 * The policy core's inputs and outputs. Times are epoch milliseconds and come from the caller,
 * so the same snapshot always gives the same decisions, live or in a replay.
 */

export interface Resources {
  cores: number;
  memGb: number;
}

/** A job as the policy sees it: what it asks for and what is known of its runtime. */
export interface PolicyJob {
  id: number;
  owner: string;
  team: string;
  label: Label;
  pool: PoolName;
  priority: Priority;
  demand: Resources;
  submittedAt: number;
  notBefore: number | null;
  deadline: number | null;
  etaP50S: number | null;
  etaP90S: number | null;
  /** The job's timeout; the runtime bound used when no p90 estimate exists. */
  timeoutS?: number | null;
  /** An admin approved this P0 job for the critical lane. */
  criticalApproved?: boolean;
  /** The job may not be paused for preemption or capacity reclaim. */
  doNotPreempt?: boolean;
  /** How often the job has been paused so far. */
  preemptions?: number;
  /** When the job was last paused, if ever. */
  lastPausedAt?: number | null;
  /** Seconds the job ran before its current run, so a resumed job is planned for what is left. */
  ranS?: number;
}

export interface RunningPolicyJob extends PolicyJob {
  startedAt: number;
  /** Start of the current run when the job was resumed after a pause; defaults to startedAt. */
  resumedAt?: number | null;
  /** The job runs on the critical lane's capacity. */
  lane?: 'critical' | null;
  /** The reservation whose capacity the job holds. */
  reservationId?: string | null;
}

/** A job paused with a checkpoint that waits to resume. */
export interface PausedPolicyJob extends PolicyJob {
  startedAt: number;
  pausedAt: number;
}

/** Heavy capacity an admin booked for one team or one user over a window. */
export interface Reservation {
  id: string;
  start: number;
  end: number;
  capacity: Resources;
  team?: string | null;
  owner?: string | null;
}

/**
 * One sample of the interactive signal. Either value may be missing; a sample is in breach when
 * any present value exceeds its threshold.
 */
export interface InteractiveObservation {
  at: number;
  cellLatencyP95S?: number | null;
  interactiveWaitP95S?: number | null;
}

/**
 * Decayed past usage of one user: resource-seconds, each second weighted by
 * 2^(-age / half-life), valid at `asOf`.
 */
export interface UsageRecord {
  owner: string;
  coreSeconds: number;
  memGbSeconds: number;
  asOf: number;
}

export interface PolicySnapshot {
  now: number;
  capacity: Resources;
  running: RunningPolicyJob[];
  /** Jobs waiting for capacity, in no particular order: ordering is the policy's work. */
  queued: PolicyJob[];
  paused?: PausedPolicyJob[];
  reservations?: Reservation[];
  /** Interactive signal samples, in any order; the preemption rule reads the recent ones. */
  observations?: InteractiveObservation[];
  usage?: UsageRecord[];
}

export type StartDecision = {
  kind: 'start';
  jobId: number;
  reason: Reason;
  /** Set when the job runs on the critical lane: the use is worth an audit record. */
  lane?: 'critical';
  audit?: boolean;
  reservationId?: string;
  /** The end the plan assumes, from the job's p90 runtime. */
  plannedEnd?: number;
};

export type WaitDecision = {
  kind: 'wait';
  jobId: number;
  position: number;
  plannedStart: number | null;
  reason: Reason;
};

/** Stop a running job with a checkpoint; it goes back to waiting and resumes later. */
export type PauseDecision = { kind: 'pause'; jobId: number; reason: Reason };

/** Run a paused job again from its checkpoint. */
export type ResumeDecision = {
  kind: 'resume';
  jobId: number;
  reason: Reason;
  reservationId?: string;
  plannedEnd?: number;
};

export type Decision = StartDecision | WaitDecision | PauseDecision | ResumeDecision;

/** A scheduling policy: a pure function from a snapshot to decisions with reasons. */
export interface Policy {
  readonly name: string;
  decide(snapshot: PolicySnapshot): Decision[];
}

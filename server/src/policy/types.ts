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
}

export interface RunningPolicyJob extends PolicyJob {
  startedAt: number;
}

export interface PolicySnapshot {
  now: number;
  capacity: Resources;
  running: RunningPolicyJob[];
  /** Jobs waiting for capacity, in no particular order: ordering is the policy's work. */
  queued: PolicyJob[];
}

export type Decision =
  | { kind: 'start'; jobId: number; reason: Reason }
  | { kind: 'wait'; jobId: number; position: number; plannedStart: number | null; reason: Reason };

/** A scheduling policy: a pure function from a snapshot to decisions with reasons. */
export interface Policy {
  readonly name: string;
  decide(snapshot: PolicySnapshot): Decision[];
}

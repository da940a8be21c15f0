import type { Knex } from 'knex';
import { recordAudit } from './audit-log.js';

/** The facts of one preemption, as the scheduler's pause path has them. */
export interface PreemptionAudit {
  jobId: number;
  owner: string;
  /** The job whose start made room necessary, or null when a reservation or a cap did. */
  preemptedForJobId: number | null;
  /** The state the job was in, and the state it moves to (such as `running` to `paused`). */
  stateBefore: string;
  stateAfter: string;
  reason: string;
  at: Date;
  /** The user that triggered the preemption, or `scheduler` (the default) when the policy did. */
  actor?: string;
}

/** Audit one preemption, in the transaction that records the pause or stop of the job. */
export function recordPreemptionAudit(trx: Knex.Transaction, preemption: PreemptionAudit): Promise<number> {
  return recordAudit(trx, {
    at: preemption.at,
    actor: preemption.actor ?? 'scheduler',
    action: 'job.preempt',
    target: `job:${preemption.jobId}`,
    before: { owner: preemption.owner, state: preemption.stateBefore },
    after: {
      owner: preemption.owner,
      state: preemption.stateAfter,
      preempted_for_job_id: preemption.preemptedForJobId,
    },
    reason: preemption.reason,
  });
}

import type { Knex } from 'knex';
import type { JobSpec } from '../contract/job-spec.js';
import { recordEvent } from '../jobs/transitions.js';
import type { JobRow } from '../store/job-rows.js';
import { recordAudit } from './audit-log.js';

/** The approver of a P0 job for the critical lane: an admin by hand, or an emergency grant. */
export type CriticalApprover =
  | { kind: 'admin'; actor: string }
  | { kind: 'grant'; grantId: number; grantedBy: string; reason: string };

export interface CriticalApproval {
  approver: CriticalApprover;
  /** The maximum run time of a critical job in seconds; a longer timeout is lowered to it. */
  maxRuntimeS: number;
  at: Date;
}

/**
 * Approve a P0 job for the critical lane and time-box it, in the caller's transaction: set the
 * approval columns, cap `timeout_s` at the lane's maximum, write the timeline event and the audit
 * entry. The caller checked that the job is P0 and not finished, and holds its row lock.
 */
export async function approveCriticalJob(
  trx: Knex.Transaction,
  job: JobRow,
  approval: CriticalApproval,
): Promise<JobRow> {
  const { approver, maxRuntimeS, at } = approval;
  const approvedBy = approver.kind === 'admin' ? approver.actor : `grant #${approver.grantId}`;
  const timeoutBefore = job.spec.timeout_s;
  const timeoutAfter = Math.min(timeoutBefore, maxRuntimeS);
  const spec: JobSpec = { ...job.spec, timeout_s: timeoutAfter };

  const [updated] = await trx('jobs')
    .where({ id: job.id })
    .update({
      critical_approved_at: at,
      critical_approved_by: approvedBy,
      critical_grant_id: approver.kind === 'grant' ? approver.grantId : null,
      spec: JSON.stringify(spec),
      updated_at: at,
    })
    .returning('*');

  await recordEvent(trx, {
    jobId: job.id,
    at,
    type: 'critical_approved',
    code: 'critical_approved',
    message: `${describeApprover(approver)} approved the critical lane for this job.`,
    data: {
      approved_by: approvedBy,
      ...(approver.kind === 'grant' ? { grant_id: approver.grantId } : {}),
    },
  });
  await recordEvent(trx, {
    jobId: job.id,
    at,
    type: 'critical_time_box',
    code: timeoutAfter < timeoutBefore ? 'critical_timeout_lowered' : 'critical_timeout_within_limit',
    message: describeTimeBox(timeoutBefore, timeoutAfter, maxRuntimeS),
    data: { timeout_s_before: timeoutBefore, timeout_s: timeoutAfter, max_runtime_s: maxRuntimeS },
  });

  await recordAudit(trx, {
    at,
    actor: approver.kind === 'admin' ? approver.actor : job.owner,
    action: approver.kind === 'admin' ? 'critical.approve' : 'critical_grant.use',
    target: `job:${job.id}`,
    before: { critical_approved_by: job.critical_approved_by, timeout_s: timeoutBefore },
    after: {
      critical_approved_by: approvedBy,
      timeout_s: timeoutAfter,
      ...(approver.kind === 'grant' ? { grant_id: approver.grantId } : {}),
    },
    reason: approver.kind === 'grant' ? approver.reason : null,
  });
  return updated as JobRow;
}

function describeApprover(approver: CriticalApprover): string {
  return approver.kind === 'admin'
    ? approver.actor
    : `Emergency grant #${approver.grantId} from ${approver.grantedBy}`;
}

function describeTimeBox(before: number, after: number, max: number): string {
  return after < before
    ? `Time-boxed for the critical lane: its timeout was lowered from ${before} s to ${after} s, the lane's maximum run time.`
    : `Time-boxed for the critical lane: its timeout of ${before} s is within the lane's maximum of ${max} s.`;
}

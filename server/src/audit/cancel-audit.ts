import type { Knex } from 'knex';
import { requestCancel } from '../jobs/lifecycle.js';
import type { JobRow } from '../store/job-rows.js';
import { recordAudit } from './audit-log.js';

/**
 * Cancel a job on `actor`'s request, in the caller's transaction, and audit the act when the
 * job belongs to someone else. A user cancelling their own job is routine and is not audited.
 */
export async function cancelJobAsActor(
  trx: Knex.Transaction,
  jobId: number,
  actor: string,
  at: Date,
): Promise<{ job: JobRow; immediate: boolean }> {
  const before = await trx<JobRow>('jobs').where({ id: jobId }).forUpdate().first();
  const result = await requestCancel(trx, jobId, at);
  if (before === undefined || before.owner === actor) return result;

  await recordAudit(trx, {
    at,
    actor,
    action: 'job.cancel_other',
    target: `job:${jobId}`,
    before: { owner: before.owner, state: before.state },
    after: {
      owner: result.job.owner,
      state: result.job.state,
      cancel_requested_at: result.job.cancel_requested_at === null ? null : new Date(result.job.cancel_requested_at).toISOString(),
    },
  });
  return result;
}

import type { Knex } from 'knex';
import { z } from 'zod';
import type { JobRow } from '../store/job-rows.js';
import { recordAudit } from './audit-log.js';
import { approveCriticalJob } from './critical-approval.js';

/** An admin's pre-approval: P0 jobs of `user` submitted before `expires_at` take the critical lane. */
export const CriticalGrantRequestSchema = z.strictObject({
  user: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'user is 1 to 64 letters, digits or _ . @ -'),
  expires_at: z.iso.datetime({ offset: true }),
  max_runtime_s: z.int().min(60).max(86400),
  reason: z.string().trim().min(1).max(500),
});
export type CriticalGrantRequest = z.infer<typeof CriticalGrantRequestSchema>;

export const CriticalGrantViewSchema = z.object({
  id: z.number(),
  user: z.string(),
  expires_at: z.string(),
  max_runtime_s: z.number(),
  reason: z.string(),
  created_by: z.string(),
  created_at: z.string(),
});
export type CriticalGrantView = z.infer<typeof CriticalGrantViewSchema>;

interface CriticalGrantRow {
  id: number;
  user_name: string;
  expires_at: Date;
  max_runtime_s: number;
  reason: string;
  created_by: string;
  created_at: Date;
}

export function toCriticalGrantView(row: CriticalGrantRow): CriticalGrantView {
  return {
    id: row.id,
    user: row.user_name,
    expires_at: new Date(row.expires_at).toISOString(),
    max_runtime_s: row.max_runtime_s,
    reason: row.reason,
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Store a grant and its audit entry in one transaction. */
export async function createCriticalGrant(
  db: Knex,
  request: CriticalGrantRequest,
  by: string,
  at: Date,
): Promise<CriticalGrantRow> {
  return db.transaction(async (trx) => {
    const [row] = await trx<CriticalGrantRow>('critical_grants')
      .insert({
        user_name: request.user,
        expires_at: new Date(request.expires_at),
        max_runtime_s: request.max_runtime_s,
        reason: request.reason,
        created_by: by,
        created_at: at,
      })
      .returning('*');
    const grant = row as CriticalGrantRow;
    await recordAudit(trx, {
      at,
      actor: by,
      action: 'critical_grant.create',
      target: `critical_grant:${grant.id}`,
      before: null,
      after: toCriticalGrantView(grant),
      reason: request.reason,
    });
    return grant;
  });
}

/** Grants that have not expired at `now`, soonest expiry first. */
export async function listActiveGrants(db: Knex, now: Date): Promise<CriticalGrantRow[]> {
  return db<CriticalGrantRow>('critical_grants')
    .where('expires_at', '>', now)
    .orderBy([{ column: 'expires_at' }, { column: 'id' }]);
}

/**
 * Approve a just-submitted P0 job when its owner has a grant that has not expired at `now`.
 * Of several grants the one with the longest run time is used. Returns the job, approved or not.
 */
export async function applyCriticalGrant(db: Knex, job: JobRow, now: Date): Promise<JobRow> {
  if (job.priority !== 'P0') return job;
  return db.transaction(async (trx) => {
    const grant = await trx<CriticalGrantRow>('critical_grants')
      .where({ user_name: job.owner })
      .andWhere('expires_at', '>', now)
      .orderBy([{ column: 'max_runtime_s', order: 'desc' }, { column: 'id' }])
      .first();
    if (grant === undefined) return job;

    const locked = await trx<JobRow>('jobs').where({ id: job.id }).forUpdate().first();
    if (locked === undefined || locked.critical_approved_at !== null) return locked ?? job;
    return approveCriticalJob(trx, locked, {
      approver: { kind: 'grant', grantId: grant.id, grantedBy: grant.created_by, reason: grant.reason },
      maxRuntimeS: grant.max_runtime_s,
      at: now,
    });
  });
}

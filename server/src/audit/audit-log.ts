import type { Knex } from 'knex';

/** The privileged acts the audit log records, as stored in its `action` column. */
export const AUDIT_ACTIONS = [
  'policy.update',
  'reservation.create',
  'reservation.cancel',
  'critical.approve',
  'critical_grant.create',
  'critical_grant.use',
  'user.update',
  'job.cancel_other',
  'job.preempt',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One privileged act: who did what to which object, with the object's state before and after. */
export interface AuditRecord {
  actor: string;
  action: AuditAction;
  /** The object acted on, as `kind:id`, such as `job:42` or `policy`. */
  target: string;
  before: unknown;
  after: unknown;
  reason?: string | null;
  /** When the act happened; the database clock when omitted. */
  at?: Date;
}

/** A stored audit entry as the API returns it. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

interface AuditRow {
  id: string | number;
  at: Date;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/**
 * Append one entry to the audit log. Call it inside the transaction of the act it records, so
 * the act and its entry commit or roll back together.
 */
export async function recordAudit(trx: Knex.Transaction, record: AuditRecord): Promise<number> {
  const [row] = await trx('audit_log')
    .insert({
      at: record.at ?? trx.fn.now(),
      actor: record.actor,
      action: record.action,
      target: record.target,
      // JSON text, because the pg driver would send a JavaScript array as a PostgreSQL array.
      before: record.before === undefined ? null : JSON.stringify(record.before),
      after: record.after === undefined ? null : JSON.stringify(record.after),
      reason: record.reason ?? null,
    })
    .returning('id');
  return Number((row as { id: string | number }).id);
}

/** Filters of an audit query. Every field is optional; `limit` defaults to 100. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  /** Entries at or after this time. */
  since?: Date;
  /** Entries before this time. */
  until?: Date;
  /** Entries with an id below this one: the next page after a page that ended there. */
  beforeId?: number;
  limit?: number;
}

/** Read audit entries newest first, filtered and paged by id. */
export async function listAudit(db: Knex, query: AuditQuery): Promise<AuditEntry[]> {
  let builder = db<AuditRow>('audit_log').orderBy('id', 'desc').limit(query.limit ?? 100);
  if (query.actor !== undefined) builder = builder.where('actor', query.actor);
  if (query.action !== undefined) builder = builder.where('action', query.action);
  if (query.since !== undefined) builder = builder.where('at', '>=', query.since);
  if (query.until !== undefined) builder = builder.where('at', '<', query.until);
  if (query.beforeId !== undefined) builder = builder.where('id', '<', query.beforeId);
  const rows = await builder;
  return rows.map(toAuditEntry);
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    reason: row.reason,
  };
}

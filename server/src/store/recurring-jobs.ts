import type { Knex } from 'knex';
import type { RecurringView } from '../contract/recurring.js';

export interface RecurringRow {
  id: number;
  owner: string;
  cron: string;
  time_zone: string;
  submission: Record<string, unknown>;
  last_fired_at: Date;
  next_at: Date | null;
  created_by: string;
  created_at: Date;
  cancelled_at: Date | null;
}

export function toRecurringView(row: RecurringRow): RecurringView {
  return {
    id: row.id,
    owner: row.owner,
    cron: row.cron,
    time_zone: row.time_zone,
    submission: row.submission,
    last_fired_at: new Date(row.last_fired_at).toISOString(),
    next_at: row.next_at === null ? null : new Date(row.next_at).toISOString(),
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function activeRecurringJobs(db: Knex): Promise<RecurringRow[]> {
  return db<RecurringRow>('recurring_jobs').whereNull('cancelled_at').orderBy('id');
}

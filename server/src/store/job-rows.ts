import type { JobSpec, Label, PoolName, Priority } from '../contract/job-spec.js';
import type { JobState, JobView, Progress, Reason } from '../contract/job-view.js';

/** A row of the `jobs` table as the driver returns it. */
export interface JobRow {
  id: number;
  name: string | null;
  owner: string;
  team: string;
  label: Label;
  priority: Priority;
  pool: PoolName;
  state: JobState;
  reason_code: string | null;
  reason_message: string | null;
  position: number | null;
  planned_start: Date | null;
  progress: Progress | null;
  attempt: number;
  failed_cell: JobView['failed_cell'];
  spec: JobSpec;
  cores: number;
  mem_gb: number;
  not_before: Date | null;
  retry_at: Date | null;
  cancel_requested_at: Date | null;
  critical_approved_at: Date | null;
  critical_approved_by: string | null;
  /** Attempts that ended in a failure; pauses are not counted. */
  failed_attempts: number;
  /** Pauses requested so far. */
  preemptions: number;
  last_paused_at: Date | null;
  /** Seconds run in attempts that ended in a pause. */
  ran_s: number;
  idempotency_key: string | null;
  request_hash: string | null;
  submitted_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface AttemptRow {
  job_id: number;
  attempt: number;
  executor: string;
  attempt_dir: string;
  pid: number | null;
  claimed_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  stop_reason: 'cancel' | 'timeout' | 'pause' | null;
  stop_requested_at: Date | null;
  outcome: Record<string, unknown> | null;
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return new Date(value).toISOString();
}

export function reasonOf(row: Pick<JobRow, 'reason_code' | 'reason_message'>): Reason | null {
  if (row.reason_code === null) return null;
  return { code: row.reason_code, message: row.reason_message ?? '' };
}

/** The job as the API shows it. */
export function toJobView(row: JobRow): JobView {
  return {
    job_id: row.id,
    name: row.name,
    owner: row.owner,
    team: row.team,
    label: row.label,
    priority: row.priority,
    pool: row.pool,
    state: row.state,
    reason: reasonOf(row),
    position: row.position,
    planned_start: iso(row.planned_start),
    progress: row.progress,
    attempt: row.attempt,
    failed_cell: row.failed_cell,
    submitted_at: iso(row.submitted_at) as string,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    has_output: row.state === 'succeeded' || row.state === 'failed',
    critical_approval:
      row.critical_approved_at === null ? null : { by: row.critical_approved_by ?? 'unknown', at: iso(row.critical_approved_at) as string },
    spec: row.spec as unknown as Record<string, unknown>,
  };
}

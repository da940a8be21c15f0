import type { Knex } from 'knex';
import type { JobState, Reason } from '../contract/job-view.js';
import type { JobRow } from '../store/job-rows.js';
import { ConflictError, NotFoundError } from './errors.js';
import { statesBefore } from './state-machine.js';

/** Columns a transition may set together with the state. */
export type JobPatch = Partial<
  Pick<
    JobRow,
    | 'position'
    | 'planned_start'
    | 'progress'
    | 'attempt'
    | 'failed_cell'
    | 'spec'
    | 'started_at'
    | 'finished_at'
    | 'retry_at'
    | 'cancel_requested_at'
  >
>;

export interface TransitionRequest {
  jobId: number;
  to: JobState;
  reason: Reason | null;
  at: Date;
  patch?: JobPatch;
  /** Extra facts for the timeline event. */
  data?: Record<string, unknown>;
}

/**
 * Move a job to a new state and append the event, in the caller's transaction. The update is
 * conditional on the current state, so two schedulers racing for the same move cannot both win.
 */
export async function transition(trx: Knex.Transaction, request: TransitionRequest): Promise<JobRow> {
  const { jobId, to, reason, at } = request;
  const before = await trx<JobRow>('jobs').where({ id: jobId }).first();
  if (before === undefined) {
    throw new NotFoundError('job_not_found', `Job ${jobId} does not exist. List jobs with "dofc status".`);
  }
  const allowedFrom = statesBefore(to);
  if (!allowedFrom.includes(before.state)) {
    throw new ConflictError(
      'illegal_transition',
      `Job ${jobId} is ${before.state} and cannot become ${to}.`,
    );
  }

  const updated = await trx<JobRow>('jobs')
    .where({ id: jobId, state: before.state })
    .update({
      ...serializePatch(request.patch ?? {}),
      state: to,
      reason_code: reason?.code ?? null,
      reason_message: reason?.message ?? null,
      updated_at: at,
    })
    .returning('*');
  const row = updated[0];
  if (row === undefined) {
    throw new ConflictError('concurrent_transition', `Job ${jobId} changed state while it was being moved to ${to}; try again.`);
  }

  await trx('job_events').insert({
    job_id: jobId,
    at,
    type: 'state',
    from_state: before.state,
    to_state: to,
    code: reason?.code ?? null,
    message: reason?.message ?? null,
    data: request.data === undefined ? null : JSON.stringify(request.data),
  });
  return row;
}

/** Append a timeline event that does not change the state, such as progress or a new promise. */
export async function recordEvent(
  trx: Knex | Knex.Transaction,
  event: { jobId: number; at: Date; type: string; code?: string; message?: string; data?: Record<string, unknown> },
): Promise<void> {
  await trx('job_events').insert({
    job_id: event.jobId,
    at: event.at,
    type: event.type,
    code: event.code ?? null,
    message: event.message ?? null,
    data: event.data === undefined ? null : JSON.stringify(event.data),
  });
}

function serializePatch(patch: JobPatch): Record<string, unknown> {
  const out: Record<string, unknown> = { ...patch };
  for (const key of ['progress', 'failed_cell', 'spec'] as const) {
    if (key in out && out[key] !== null) out[key] = JSON.stringify(out[key]);
  }
  return out;
}

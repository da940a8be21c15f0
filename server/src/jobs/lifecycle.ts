import type { Knex } from 'knex';
import type { Progress, Reason } from '../contract/job-view.js';
import type { JobRow } from '../store/job-rows.js';
import type { FailureClass } from '../executors/executor.js';
import { ConflictError, NotFoundError } from './errors.js';
import { recordEvent, transition, type JobPatch } from './transitions.js';

/**
 * One named function per move of the job state machine. Each runs inside the caller's
 * transaction, so the state, the attempt and the timeline change together.
 */

export function beginPreflight(trx: Knex.Transaction, jobId: number, at: Date): Promise<JobRow> {
  return transition(trx, {
    jobId,
    to: 'preflight',
    at,
    reason: { code: 'preflight', message: 'Pre-flight analysis is running.' },
  });
}

export function enqueue(
  trx: Knex.Transaction,
  jobId: number,
  at: Date,
  reason: Reason,
  data?: Record<string, unknown>,
): Promise<JobRow> {
  return transition(trx, { jobId, to: 'queued', at, reason, patch: { position: null }, ...(data ? { data } : {}) });
}

/** Claim a queued job for a new attempt and record the attempt; returns the attempt number. */
export async function claimForStart(
  trx: Knex.Transaction,
  job: JobRow,
  executor: string,
  attemptDir: (attempt: number) => string,
  at: Date,
  reason: Reason,
): Promise<number> {
  const attempt = job.attempt + 1;
  await transition(trx, {
    jobId: job.id,
    to: 'starting',
    at,
    reason,
    patch: { attempt, position: null, planned_start: null, progress: null },
    data: { attempt, executor },
  });
  await trx('job_attempts').insert({
    job_id: job.id,
    attempt,
    executor,
    attempt_dir: attemptDir(attempt),
    claimed_at: at,
  });
  return attempt;
}

export async function markRunning(
  trx: Knex.Transaction,
  jobId: number,
  attempt: number,
  pid: number | null,
  at: Date,
  reason: Reason = { code: 'running', message: 'Running.' },
): Promise<JobRow> {
  await trx('job_attempts').where({ job_id: jobId, attempt }).update({ pid, started_at: at });
  return transition(trx, { jobId, to: 'running', at, reason, patch: { started_at: at }, data: { attempt, pid } });
}

export interface AttemptEnd {
  attempt: number;
  at: Date;
  reason: Reason;
  progress: Progress | null;
  outcome: Record<string, unknown>;
  failedCell?: JobRow['failed_cell'];
  /** Set for an attempt that failed or was paused, and recorded on the timeline with the reason. */
  failureClass?: FailureClass;
}

async function closeAttempt(trx: Knex.Transaction, jobId: number, end: AttemptEnd): Promise<void> {
  await trx('job_attempts')
    .where({ job_id: jobId, attempt: end.attempt })
    .update({ ended_at: end.at, outcome: JSON.stringify(end.outcome) });
  if (end.failureClass === undefined) return;
  await recordEvent(trx, {
    jobId,
    at: end.at,
    type: 'attempt_ended',
    code: end.failureClass,
    message: end.reason.message,
    data: { attempt: end.attempt, failure_class: end.failureClass, reason_code: end.reason.code },
  });
}

/** Count a failed attempt against the job's retry_policy.max_attempts. */
async function countFailedAttempt(trx: Knex.Transaction, jobId: number, end: AttemptEnd): Promise<void> {
  if (end.attempt > 0) await trx('jobs').where({ id: jobId }).increment('failed_attempts', 1);
}

export async function markSucceeded(trx: Knex.Transaction, jobId: number, end: AttemptEnd): Promise<JobRow> {
  await closeAttempt(trx, jobId, end);
  return transition(trx, {
    jobId,
    to: 'succeeded',
    at: end.at,
    reason: end.reason,
    patch: { finished_at: end.at, progress: end.progress },
    data: end.outcome,
  });
}

export async function markFailed(trx: Knex.Transaction, jobId: number, end: AttemptEnd): Promise<JobRow> {
  await closeAttempt(trx, jobId, end);
  await countFailedAttempt(trx, jobId, end);
  return transition(trx, {
    jobId,
    to: 'failed',
    at: end.at,
    reason: end.reason,
    patch: { finished_at: end.at, progress: end.progress, failed_cell: end.failedCell ?? null },
    data: end.outcome,
  });
}

export async function markCancelled(trx: Knex.Transaction, jobId: number, end: AttemptEnd): Promise<JobRow> {
  await closeAttempt(trx, jobId, end);
  return transition(trx, {
    jobId,
    to: 'cancelled',
    at: end.at,
    reason: end.reason,
    patch: { finished_at: end.at, progress: end.progress },
    data: end.outcome,
  });
}

/**
 * End a failed attempt that will be tried again after `retryAt`. With `memPerExecutorGb` the
 * next attempt gets that much memory per executor, in its spec and in the job's demand.
 */
export async function markRetrying(
  trx: Knex.Transaction,
  jobId: number,
  end: AttemptEnd,
  retryAt: Date,
  memPerExecutorGb: number | null = null,
): Promise<JobRow> {
  await closeAttempt(trx, jobId, end);
  await countFailedAttempt(trx, jobId, end);

  const patch: JobPatch = { retry_at: retryAt, progress: end.progress };
  if (memPerExecutorGb !== null) {
    const job = await trx<JobRow>('jobs').where({ id: jobId }).first();
    if (job === undefined) throw new NotFoundError('job_not_found', `Job ${jobId} does not exist. List jobs with "dofc status".`);
    patch.spec = { ...job.spec, mem_per_executor_gb: memPerExecutorGb };
    await trx('jobs').where({ id: jobId }).update({ mem_gb: job.spec.max_executors * memPerExecutorGb });
  }

  return transition(trx, {
    jobId,
    to: 'retrying',
    at: end.at,
    reason: end.reason,
    patch,
    data: {
      ...end.outcome,
      retry_at: retryAt.toISOString(),
      ...(memPerExecutorGb !== null ? { mem_per_executor_gb: memPerExecutorGb } : {}),
    },
  });
}

/**
 * Record that the scheduler asked a running attempt to pause. The pause counts against the
 * policy's per-job bound from now, so a runner slow to stop is not chosen again.
 */
export async function recordPauseRequest(
  trx: Knex.Transaction,
  jobId: number,
  attempt: number,
  at: Date,
  reason: Reason,
  graceS: number,
): Promise<void> {
  await trx('job_attempts')
    .where({ job_id: jobId, attempt })
    .update({ stop_reason: 'pause', stop_requested_at: at });
  await trx('jobs')
    .where({ id: jobId })
    .update({ preemptions: trx.raw('preemptions + 1'), last_paused_at: at, updated_at: at });
  await recordEvent(trx, {
    jobId,
    at,
    type: 'pause_requested',
    code: reason.code,
    message: reason.message,
    data: { attempt, grace_s: graceS },
  });
}

/** End an attempt that stopped for a pause; the job waits in `paused` until the policy resumes it. */
export async function markPaused(trx: Knex.Transaction, jobId: number, end: AttemptEnd, ranS: number): Promise<JobRow> {
  await closeAttempt(trx, jobId, end);
  await trx('jobs').where({ id: jobId }).increment('ran_s', ranS);
  return transition(trx, {
    jobId,
    to: 'paused',
    at: end.at,
    reason: end.reason,
    patch: { progress: end.progress },
    data: { ...end.outcome, ran_s: ranS },
  });
}

/** Move a paused job back to the queue on the policy's resume decision, so it can be claimed at once. */
export function resumeFromPause(trx: Knex.Transaction, jobId: number, at: Date, reason: Reason): Promise<JobRow> {
  return transition(trx, { jobId, to: 'queued', at, reason, patch: { position: null, planned_start: null } });
}

/** Put back a claimed job whose runner never began, so it runs exactly once later. */
export async function requeueUnstarted(
  trx: Knex.Transaction,
  jobId: number,
  attempt: number,
  at: Date,
): Promise<JobRow> {
  await trx('job_attempts')
    .where({ job_id: jobId, attempt })
    .update({ ended_at: at, outcome: JSON.stringify({ outcome: 'never_started' }) });
  return transition(trx, {
    jobId,
    to: 'queued',
    at,
    reason: {
      code: 'requeued_after_restart',
      message: 'The scheduler stopped before this job\'s runner began; it is queued again and has not run.',
    },
    // The attempt number still advances, so the fenced attempt's folder is never reused.
    patch: { position: null },
  });
}

export function retryNow(trx: Knex.Transaction, jobId: number, at: Date): Promise<JobRow> {
  return transition(trx, {
    jobId,
    to: 'queued',
    at,
    reason: { code: 'retry_queued', message: 'Queued again for another attempt.' },
    patch: { retry_at: null, position: null },
  });
}

/**
 * Cancel a job on a person's request. A job that waits is cancelled at once; a running one is
 * marked and its runner is stopped by the scheduler, which records the end.
 */
export async function requestCancel(
  trx: Knex.Transaction,
  jobId: number,
  at: Date,
): Promise<{ job: JobRow; immediate: boolean }> {
  const job = await trx<JobRow>('jobs').where({ id: jobId }).forUpdate().first();
  if (job === undefined) {
    throw new NotFoundError('job_not_found', `Job ${jobId} does not exist. List jobs with "dofc status".`);
  }
  switch (job.state) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      throw new ConflictError('job_finished', `Job ${jobId} already ended as ${job.state}; there is nothing to cancel.`);
    case 'starting':
    case 'running': {
      if (job.cancel_requested_at !== null) return { job, immediate: false };
      const [updated] = await trx<JobRow>('jobs')
        .where({ id: jobId })
        .update({ cancel_requested_at: at, updated_at: at })
        .returning('*');
      await trx('job_events').insert({
        job_id: jobId,
        at,
        type: 'cancel_requested',
        code: 'cancel_requested',
        message: 'Cancel requested; the runner is being stopped.',
      });
      return { job: updated as JobRow, immediate: false };
    }
    default: {
      const cancelled = await transition(trx, {
        jobId,
        to: 'cancelled',
        at,
        reason: { code: 'cancelled', message: 'Cancelled before it started.' },
        patch: { finished_at: at, position: null, cancel_requested_at: at },
      });
      return { job: cancelled, immediate: true };
    }
  }
}

import { retryPolicyOf } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';
import type { AttemptStatus, FailureClass } from '../executors/executor.js';
import type { AttemptRow, JobRow } from '../store/job-rows.js';
import { classifyAttemptEnd } from './failure-class.js';
import { decideRetry } from './retry.js';

/** The outcome for a job whose attempt has ended. */
export type EndVerdict =
  | { kind: 'succeeded'; reason: Reason }
  | { kind: 'cancelled'; reason: Reason }
  | { kind: 'paused'; reason: Reason }
  | { kind: 'failed'; reason: Reason; failureClass: FailureClass; failedCell: JobRow['failed_cell'] }
  | { kind: 'retry'; reason: Reason; failureClass: FailureClass; retryAt: Date; memPerExecutorGb: number | null };

/** Inputs of judgeAttemptEnd besides the job and the attempt. */
export interface EndContext {
  now: Date;
  /** Returns a number in [0, 1) for the retry's jitter. */
  random: () => number;
  /** Most memory the whole job may hold, which bounds the memory an out-of-memory retry adds. */
  memCeilingGb: number;
  /** The end of the attempt's log, for out-of-memory evidence. */
  logTail: string;
}

/**
 * Decide how an ended attempt ends the job: success, a cancel, a pause, or a failure that is
 * classified and then retried or final. A pause is never counted as a failed attempt.
 */
export function judgeAttemptEnd(
  job: JobRow,
  attempt: AttemptRow,
  status: Extract<AttemptStatus, { kind: 'ended' }>,
  context: EndContext,
): EndVerdict {
  const result = status.result;
  if (result?.outcome === 'succeeded') {
    return { kind: 'succeeded', reason: { code: 'succeeded', message: result.message } };
  }
  if (attempt.stop_reason === 'cancel') {
    return { kind: 'cancelled', reason: { code: 'cancelled', message: 'Cancelled while running; the runner was stopped.' } };
  }

  const { failureClass, reason } = classifyAttemptEnd(attempt, status, job.spec.timeout_s, context.logTail);
  if (failureClass === 'preempted') return { kind: 'paused', reason };

  const verdict = decideRetry(
    {
      failureClass,
      reason,
      failedAttempts: job.failed_attempts + 1,
      policy: retryPolicyOf(job.spec),
      maxExecutors: job.spec.max_executors,
      memPerExecutorGb: job.spec.mem_per_executor_gb,
      memCeilingGb: context.memCeilingGb,
    },
    context.random,
  );
  if (verdict.kind === 'retry') {
    return {
      kind: 'retry',
      reason: verdict.reason,
      failureClass,
      retryAt: new Date(context.now.getTime() + verdict.delayMs),
      memPerExecutorGb: verdict.memPerExecutorGb,
    };
  }
  return { kind: 'failed', reason: verdict.reason, failureClass, failedCell: result?.failed_cell ?? null };
}

import type { Reason } from '../contract/job-view.js';
import type { AttemptStatus } from '../executors/executor.js';
import type { AttemptRow, JobRow } from '../store/job-rows.js';

/** The outcome for a job whose attempt has ended. */
export type EndVerdict =
  | { kind: 'succeeded'; reason: Reason }
  | { kind: 'cancelled'; reason: Reason }
  | { kind: 'failed'; reason: Reason; failedCell: JobRow['failed_cell'] }
  | { kind: 'retry'; reason: Reason; retryAt: Date };

/** Failure codes that are not caused by the user's code, so another attempt may succeed. */
const RETRYABLE_CODES = new Set(['runner_error', 'runner_lost', 'runner_killed']);

/**
 * Decide how an ended attempt ends the job: the runner's own result first, then why the
 * scheduler stopped it, then how the process exited.
 */
export function judgeAttemptEnd(
  job: JobRow,
  attempt: AttemptRow,
  status: Extract<AttemptStatus, { kind: 'ended' }>,
  now: Date,
): EndVerdict {
  const result = status.result;
  if (result?.outcome === 'succeeded') {
    return { kind: 'succeeded', reason: { code: 'succeeded', message: result.message } };
  }

  if (attempt.stop_reason === 'cancel') {
    return { kind: 'cancelled', reason: { code: 'cancelled', message: 'Cancelled while running; the runner was stopped.' } };
  }
  if (attempt.stop_reason === 'timeout') {
    const limit = job.spec.timeout_s;
    return {
      kind: 'failed',
      reason: {
        code: 'timeout',
        message: `Stopped after running longer than its timeout of ${limit} s; raise timeout_s if it needs longer.`,
      },
      failedCell: null,
    };
  }

  const failure = result !== null ? { code: result.code ?? 'failed', message: result.message } : describeLostRunner(status);
  const failedCell = result?.failed_cell ?? null;
  const maxAttempts = job.spec.retry_policy.max_attempts;

  if (RETRYABLE_CODES.has(failure.code) && job.attempt < maxAttempts) {
    const backoffMs = job.spec.retry_policy.backoff_s * 1000 * 2 ** (job.attempt - 1);
    return {
      kind: 'retry',
      reason: {
        code: failure.code,
        message: `${failure.message} Attempt ${job.attempt} of ${maxAttempts}; trying again in ${Math.round(backoffMs / 1000)} s.`,
      },
      retryAt: new Date(now.getTime() + backoffMs),
    };
  }
  return { kind: 'failed', reason: failure, failedCell };
}

function describeLostRunner(status: Extract<AttemptStatus, { kind: 'ended' }>): Reason {
  const exit = status.exit;
  if (exit === null) {
    return {
      code: 'runner_lost',
      message: 'The runner ended while the scheduler was not watching and left no result (the machine may have restarted).',
    };
  }
  if (exit.signal !== null) {
    return {
      code: 'runner_killed',
      message: `The runner was killed by ${exit.signal} before it finished; the out-of-memory killer or an operator may have stopped it.`,
    };
  }
  return {
    code: 'runner_error',
    message: `The runner exited with code ${exit.code} without a result; the end of the job's log shows why.`,
  };
}

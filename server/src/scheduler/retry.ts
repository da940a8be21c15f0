import type { RetryPolicy } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';
import type { FailureClass } from '../executors/executor.js';

/** How much more memory per executor an attempt gets after running out of memory. */
export const OUT_OF_MEMORY_GROWTH = 1.5;

/** Grown memory is rounded down to a multiple of this, the smallest mem_per_executor_gb a JobSpec accepts. */
const MEMORY_STEP_GB = 0.125;

export interface FailedAttempt {
  failureClass: FailureClass;
  reason: Reason;
  /** Failed attempts of the job, this one included; pauses are not counted. */
  failedAttempts: number;
  policy: RetryPolicy;
  maxExecutors: number;
  memPerExecutorGb: number;
  /** Most memory the whole job may hold: its executor ceiling, or the machine when there is none. */
  memCeilingGb: number;
}

export type RetryVerdict =
  | {
      kind: 'retry';
      reason: Reason;
      delayMs: number;
      /** Memory per executor for the next attempt, when it changes. */
      memPerExecutorGb: number | null;
    }
  | { kind: 'failed'; reason: Reason };

/**
 * Decide whether a failed attempt is tried again, after how long and with how much memory.
 * `random` returns a number in [0, 1) and is injected so that tests get fixed delays.
 */
export function decideRetry(failed: FailedAttempt, random: () => number): RetryVerdict {
  const { failureClass, reason, failedAttempts, policy } = failed;
  if (!isRetryable(failureClass, policy)) return { kind: 'failed', reason };
  if (failedAttempts >= policy.max_attempts) {
    if (policy.max_attempts === 1) return { kind: 'failed', reason };
    return {
      kind: 'failed',
      reason: {
        code: reason.code,
        message: `${reason.message} All ${policy.max_attempts} attempts allowed by retry_policy.max_attempts have failed.`,
      },
    };
  }

  let memPerExecutorGb: number | null = null;
  if (failureClass === 'out_of_memory') {
    const grown = grownMemory(failed);
    if (grown === null) {
      return {
        kind: 'failed',
        reason: {
          code: reason.code,
          message:
            `${reason.message} It ran out of memory with ${failed.memPerExecutorGb} GB per executor and was not retried: ` +
            `the memory ceiling of ${failed.memCeilingGb} GB for ${failed.maxExecutors} executor(s) leaves no room for more. ` +
            'Lower the memory the code needs, use fewer executors, or ask an admin to raise the executor ceiling.',
        },
      };
    }
    memPerExecutorGb = grown;
  }

  const delayMs = backoffMs(policy, failedAttempts, random);
  const memory = memPerExecutorGb === null ? '' : ` with ${memPerExecutorGb} GB per executor`;
  return {
    kind: 'retry',
    delayMs,
    memPerExecutorGb,
    reason: {
      code: reason.code,
      message: `${reason.message} Attempt ${failedAttempts} of ${policy.max_attempts} failed (${failureClass}); trying again in ${Math.round(delayMs / 1000)} s${memory}.`,
    },
  };
}

/** Return whether a failure of this class may succeed when run again. */
export function isRetryable(failureClass: FailureClass, policy: Pick<RetryPolicy, 'retry_timeout'>): boolean {
  switch (failureClass) {
    case 'infrastructure':
    case 'executor_lost':
    case 'out_of_memory':
      return true;
    case 'timeout':
      return policy.retry_timeout;
    case 'user_code':
      return false;
    case 'preempted':
      // A paused job resumes through the policy, not through a retry.
      return false;
  }
}

/**
 * Exponential backoff with "equal jitter": half the nominal wait is fixed and half is random, so
 * a retry never comes sooner than half the nominal wait.
 */
export function backoffMs(policy: Pick<RetryPolicy, 'backoff_s' | 'max_backoff_s'>, failedAttempts: number, random: () => number): number {
  const nominalS = Math.min(policy.backoff_s * 2 ** (failedAttempts - 1), policy.max_backoff_s);
  const factor = 0.5 + 0.5 * random();
  return Math.round(nominalS * factor * 1000);
}

/** Memory per executor grown by OUT_OF_MEMORY_GROWTH and capped by the ceiling, or null when it cannot grow. */
function grownMemory(failed: FailedAttempt): number | null {
  const requested = failed.memPerExecutorGb * OUT_OF_MEMORY_GROWTH;
  const allowed = failed.memCeilingGb / failed.maxExecutors;
  const grown = Math.floor(Math.min(requested, allowed) / MEMORY_STEP_GB) * MEMORY_STEP_GB;
  return grown > failed.memPerExecutorGb + 1e-9 ? grown : null;
}

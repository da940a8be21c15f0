import type { Reason } from '../contract/job-view.js';
import type { AttemptStatus, FailureClass, RunnerResult } from '../executors/executor.js';
import type { AttemptRow } from '../store/job-rows.js';

type EndedStatus = Extract<AttemptStatus, { kind: 'ended' }>;

/** A failed or paused attempt's class and the reason recorded for it. */
export interface ClassifiedEnd {
  failureClass: FailureClass;
  reason: Reason;
}

/** Exception names that mean the code ran out of memory, in Python, the JVM or a dead kernel. */
const OUT_OF_MEMORY_EXCEPTIONS = /^(MemoryError|DeadKernelError)$|OutOfMemoryError/;

/**
 * Text that the out-of-memory killer or an allocator leaves in a log. The kernel's own log
 * (dmesg) is usually not readable by the scheduler's user, so only the attempt's log is searched.
 */
const OUT_OF_MEMORY_EVIDENCE = /MemoryError|java\.lang\.OutOfMemoryError|Out of memory|oom-kill|Killed process \d+/;

/**
 * Classify an attempt that ended without success: the runner's own `failure_class` first, then
 * why the scheduler stopped it, then the result's code and exception, then how the process
 * exited. `logTail` is the end of the attempt's log, searched for out-of-memory evidence when a
 * runner was killed without leaving a result.
 */
export function classifyAttemptEnd(
  attempt: Pick<AttemptRow, 'stop_reason'>,
  status: EndedStatus,
  timeoutS: number,
  logTail: string,
): ClassifiedEnd {
  const result = status.result;
  const failure = result !== null ? classifyResult(result) : classifyExit(status.exit, logTail);

  if (attempt.stop_reason === 'timeout') {
    return {
      failureClass: 'timeout',
      reason: {
        code: 'timeout',
        message: `Stopped after running longer than its timeout of ${timeoutS} s; raise timeout_s if it needs longer.`,
      },
    };
  }
  // A pause that had to end in a kill is still a pause. A failure of the code itself that
  // happened before the runner reached a pause point stays a failure.
  if (attempt.stop_reason === 'pause' && !isCodeFailure(failure.failureClass)) {
    return { failureClass: 'preempted', reason: pausedReason(result) };
  }
  if (result?.outcome === 'paused') return { failureClass: 'preempted', reason: pausedReason(result) };
  return failure;
}

function isCodeFailure(failureClass: FailureClass): boolean {
  return failureClass === 'user_code' || failureClass === 'out_of_memory' || failureClass === 'executor_lost';
}

function pausedReason(result: RunnerResult | null): Reason {
  if (result?.outcome === 'paused') return { code: 'paused', message: result.message };
  return {
    code: 'paused',
    message: 'Paused: the runner did not reach a cell or checkpoint boundary within the grace period and was stopped; it resumes from its last checkpoint.',
  };
}

function classifyResult(result: RunnerResult): ClassifiedEnd {
  const reason = { code: result.code ?? 'failed', message: result.message };
  if (result.failure_class !== undefined) return { failureClass: result.failure_class, reason };

  // Runners older than failure_class: infer it from the code and the failed cell's exception.
  const ename = result.failed_cell?.ename ?? '';
  const evalue = result.failed_cell?.evalue ?? '';
  if (OUT_OF_MEMORY_EXCEPTIONS.test(ename) || /java\.lang\.OutOfMemoryError/.test(evalue)) {
    return { failureClass: 'out_of_memory', reason };
  }
  if (/ExecutorLostFailure/.test(evalue)) return { failureClass: 'executor_lost', reason };
  // The same codes the runner classifies as infrastructure (dofc/runner/failures.py): a working
  // folder on a network mount may be back on the next attempt.
  if (result.code === 'runner_error' || result.code === 'workdir_missing') return { failureClass: 'infrastructure', reason };
  // Unknown codes are not retried: a retry must never run broken code again by accident.
  return { failureClass: 'user_code', reason };
}

function classifyExit(exit: EndedStatus['exit'], logTail: string): ClassifiedEnd {
  if (exit === null) {
    return {
      failureClass: 'infrastructure',
      reason: {
        code: 'runner_lost',
        message: 'The runner ended while the scheduler was not watching and left no result (the machine may have restarted).',
      },
    };
  }
  if (exit.signal !== null) {
    const outOfMemory = exit.signal === 'SIGKILL' && OUT_OF_MEMORY_EVIDENCE.test(logTail);
    return {
      failureClass: outOfMemory ? 'out_of_memory' : 'infrastructure',
      reason: {
        code: 'runner_killed',
        message: outOfMemory
          ? `The runner was killed by ${exit.signal} before it finished, and its log shows it ran out of memory.`
          : `The runner was killed by ${exit.signal} before it finished; the out-of-memory killer or an operator may have stopped it.`,
      },
    };
  }
  return {
    failureClass: 'infrastructure',
    reason: {
      code: 'runner_error',
      message: `The runner exited with code ${exit.code} without a result; the end of the job's log shows why.`,
    },
  };
}

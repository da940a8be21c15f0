import type { CatalogueEntry, FailureFacts } from './types.js';

/**
 * Entries for the failure classes that decide retries (server/src/scheduler/retry.ts). They are
 * used when no entry for the failure code or the exception applies, so a failure whose code is
 * new is still explained by its class, with what the scheduler does about it.
 */

function byClass(failureClass: string, summary: CatalogueEntry['summary'], action: CatalogueEntry['action']): CatalogueEntry {
  return { id: failureClass, matches: (facts) => facts.failureClass === failureClass, summary, action };
}

/** A runner killed with SIGKILL whose log shows it ran out of memory; more specific than runner_killed. */
export const KILLED_OUT_OF_MEMORY_ENTRY: CatalogueEntry = {
  id: 'killed_out_of_memory',
  matches: (facts) => facts.code === 'runner_killed' && facts.failureClass === 'out_of_memory',
  summary: (facts) =>
    `The runner was killed by ${facts.exitSignal ?? 'a signal'} while its log shows it was running out of memory, which is what the out-of-memory killer does.`,
  action: () =>
    'With retry_policy.max_attempts above 1 the scheduler retries it with 1.5 times the memory per executor while the executor ceiling has room; otherwise raise mem_per_executor_gb or load less data at once.',
};

function cellOrCode(facts: FailureFacts): string {
  return facts.cellNumber ? `Cell ${facts.cellNumber}` : 'The code';
}

export const CLASS_ENTRIES: readonly CatalogueEntry[] = [
  byClass(
    'user_code',
    (facts) => `${cellOrCode(facts)} failed${facts.ename ? ` with ${facts.ename}` : ''}; the failure is in the code, so it was not retried.`,
    () => "Read the traceback in the executed notebook or the job log (dofc logs ID), fix the code and submit again.",
  ),
  byClass(
    'out_of_memory',
    (facts) => `${cellOrCode(facts)} ran out of memory.`,
    () =>
      'With retry_policy.max_attempts above 1 the scheduler retries it with 1.5 times the memory per executor while the executor ceiling has room; otherwise raise mem_per_executor_gb or load less data at once.',
  ),
  byClass(
    'executor_lost',
    () => 'Spark lost an executor while the job ran, usually because the executor ran out of memory or its host failed.',
    () => 'The scheduler retries it when retry_policy.max_attempts allows; if it repeats, raise mem_per_executor_gb or spark.executor.memoryOverhead.',
  ),
  byClass(
    'infrastructure',
    () => 'A fault outside the code ended the attempt: the runner, the machine or its disk failed.',
    () => 'The scheduler retries it when retry_policy.max_attempts allows; if it repeats, send the end of the job log (dofc logs ID) to the operators.',
  ),
  byClass(
    'timeout',
    (facts) => `The job ran longer than its timeout of ${facts.timeoutS ?? '?'} s and was stopped.`,
    () => 'Raise timeout_s, or set retry_policy.retry_timeout to true to have it retried, which resumes from its last checkpoint.',
  ),
  byClass(
    'preempted',
    () => 'The job was paused to make room for interactive work, which is not a failure.',
    () => 'Nothing: the scheduler resumes it from its last checkpoint when the interactive signal is below its threshold.',
  ),
];

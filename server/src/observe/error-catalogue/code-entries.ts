import type { CatalogueEntry, FailureFacts } from './types.js';

/**
 * One entry per failure code the scheduler records as `reason.code`, used when no more specific
 * exception entry applies. Codes in SCHEDULER_CODES describe the attempt's end itself, so they
 * are explained from the code even when the log mentions an exception.
 */

export const SCHEDULER_CODES: ReadonlySet<string> = new Set([
  'timeout',
  'runner_lost',
  'runner_killed',
  'workdir_missing',
  'start_failed',
  'preflight_failed',
]);

function byCode(code: string, summary: CatalogueEntry['summary'], action: CatalogueEntry['action']): CatalogueEntry {
  return { id: code, matches: (facts) => facts.code === code, summary, action };
}

function exceptionName(facts: FailureFacts): string {
  return facts.ename ? ` ${facts.ename}` : ' an exception';
}

export const DATA_SKEW_ENTRY: CatalogueEntry = {
  id: 'data_skew',
  matches: (facts) => facts.code === 'timeout' && (facts.sparkHintIds ?? []).includes('task-skew'),
  summary: (facts) =>
    `The job passed its ${facts.timeoutS ?? '?'} s timeout, and its Spark event log shows data skew: a few tasks ran far longer than the rest.`,
  action: () =>
    'Spread the skewed key: enable spark.sql.adaptive.skewJoin.enabled, salt the join or group-by key, or repartition before the wide operation.',
};

export const CODE_ENTRIES: readonly CatalogueEntry[] = [
  byCode(
    'cell_error',
    (facts) => `Cell ${facts.cellNumber ?? '?'} raised${exceptionName(facts)}, so the notebook stopped there.`,
    () => "Open the executed notebook (dofc output ID) to see the cell's traceback, fix the cell and submit again.",
  ),
  byCode(
    'script_error',
    (facts) => `The script exited with code ${facts.exitCode ?? 'other than 0'}${facts.ename ? ` after raising ${facts.ename}` : ''}.`,
    () => 'Read the traceback at the end of the job log (dofc logs ID), fix the script and submit again.',
  ),
  byCode(
    'runner_error',
    () => 'The job runner itself failed before the code finished, which is not caused by the code.',
    () => 'The scheduler retries it when retry_policy allows; if it repeats, send the end of the job log to the operators.',
  ),
  byCode(
    'runner_lost',
    () => 'The runner ended while the scheduler was not watching and left no result, for example because the machine restarted.',
    () => 'Submit the job again; set retry_policy.max_attempts above 1 to have this retried automatically.',
  ),
  byCode(
    'runner_killed',
    (facts) => `The runner was killed by ${facts.exitSignal ?? 'a signal'} before it finished.`,
    (facts) => {
      // The scheduler found no out-of-memory evidence in the log, so it treats the kill as a fault of the machine.
      if (facts.failureClass === 'infrastructure') {
        return 'Its log shows no sign of running out of memory, so an operator or the machine stopped it; the scheduler retries it when retry_policy.max_attempts allows.';
      }
      return facts.exitSignal === 'SIGKILL'
        ? 'SIGKILL usually comes from the out-of-memory killer; raise mem_per_executor_gb or use less memory, then submit again.'
        : 'Ask the operators whether the machine was shutting down, then submit again.';
    },
  ),
  byCode(
    'timeout',
    (facts) => `The job ran longer than its timeout of ${facts.timeoutS ?? '?'} s and was stopped.`,
    () => 'Raise timeout_s if the job needs longer, or make it faster; the job report shows which cells took the time.',
  ),
  byCode(
    'workdir_missing',
    () => "The job's working folder does not exist on the machine that runs it.",
    () => 'Submit the notebook from a folder that the scheduler can read, such as a shared home or project folder.',
  ),
  byCode(
    'start_failed',
    () => 'The scheduler could not start the job runner, so none of the code ran.',
    () => 'Check that DOFC_PYTHON names an interpreter with the dofc package, and that the data folder is writable.',
  ),
  byCode(
    'preflight_failed',
    () => 'The pre-flight analysis of the source failed, so the job was never queued.',
    () => 'Check that the source is a valid notebook or Python file, then submit again.',
  ),
];

/** Used when nothing in the catalogue applies, so every failure still gets an explanation. */
export const UNKNOWN_ENTRY: CatalogueEntry = {
  id: 'unexplained',
  matches: () => true,
  summary: (facts) => `The job failed with code ${facts.code}.`,
  action: () => 'Read the detail below and the end of the job log (dofc logs ID).',
};

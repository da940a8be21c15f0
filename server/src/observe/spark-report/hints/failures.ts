import type { Hint, TaskFailureGroup } from '../types.js';
import { firstLine, formatTime } from '../format.js';
import type { ReportFigures } from './report-figures.js';
import { EXECUTOR_LOSSES_MIN, TASK_FAILURES_MIN } from './thresholds.js';

/** Reports failed task attempts with the most frequent reason and what usually fixes it. */
export function taskFailureHints(report: ReportFigures): Hint[] {
  const { tasksFailed } = report.counts;
  const top = report.failures.taskFailures[0];
  if (tasksFailed < TASK_FAILURES_MIN || top === undefined) {
    return [];
  }

  const stages = top.stageIds.join(', ');
  const plural = tasksFailed === 1 ? 'attempt' : 'attempts';
  return [
    {
      id: 'task-failures',
      stageId: top.stageIds.length === 1 ? (top.stageIds[0] ?? null) : null,
      message:
        `${tasksFailed} task ${plural} failed; the most frequent failure (${top.count} in stage${top.stageIds.length === 1 ? '' : 's'} ${stages}) ` +
        `was ${top.reason}: ${top.message}. ${adviseOnTaskFailure(top)}`,
      value: tasksFailed,
      threshold: TASK_FAILURES_MIN,
    },
  ];
}

function adviseOnTaskFailure(group: TaskFailureGroup): string {
  if (/OutOfMemoryError|GC overhead limit/i.test(group.message)) {
    return 'Give executors more memory (spark.executor.memory) or split the data into more partitions.';
  }
  if (group.reason === 'FetchFailed') {
    return 'Shuffle output was lost with its executor: enable the external shuffle service (spark.shuffle.service.enabled) or graceful decommissioning (spark.decommission.enabled).';
  }
  if (group.reason === 'ExecutorLostFailure') {
    return 'The executor running it died; see the executor losses for why.';
  }
  return 'Read the failed tasks\' executor logs for the full stack trace.';
}

/** Reports executors that were removed for another reason than the driver releasing them. */
export function executorLossHints(report: ReportFigures): Hint[] {
  const { losses } = report.executors;
  const first = losses[0];
  if (losses.length < EXECUTOR_LOSSES_MIN || first === undefined) {
    return [];
  }

  const count = losses.length === 1 ? '1 executor was' : `${losses.length} executors were`;
  const host = first.host === null ? '' : ` on ${first.host}`;
  return [
    {
      id: 'executor-loss',
      stageId: null,
      message:
        `${count} lost without the driver releasing them; the first, executor ${first.executorId}${host} at ${formatTime(first.time)}, ` +
        `was removed because: ${firstLine(first.reason)}. ${adviseOnExecutorLoss(first.reason)}`,
      value: losses.length,
      threshold: EXECUTOR_LOSSES_MIN,
    },
  ];
}

function adviseOnExecutorLoss(reason: string): string {
  if (/memory limits|OOMKilled|exit code:? 137/i.test(reason)) {
    return 'The cluster manager killed it for using more memory than its container: raise spark.executor.memoryOverhead.';
  }
  if (/preempt/i.test(reason)) {
    return 'The cluster manager preempted it: run in a queue with guaranteed capacity.';
  }
  return "Read that executor's log to find why it exited.";
}

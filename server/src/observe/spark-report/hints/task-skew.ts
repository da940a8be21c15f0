import type { Hint, SlowestTask, SparkConfigSummary, StageSummary } from '../types.js';
import { formatBytes, formatDuration, formatRatio } from '../format.js';
import type { ReportFigures } from './report-figures.js';
import { describeTaskMemorySetting } from './settings.js';
import {
  DATA_SKEW_RATIO,
  DOMINANT_CAUSE_SHARE,
  SKEW_MIN_SLOWEST_TASK_MS,
  SKEW_MIN_TASKS,
  SKEW_RATIO_THRESHOLD,
} from './thresholds.js';

/** Flags stages whose slowest task took far longer than the median and names the likely cause. */
export function taskSkewHints(report: ReportFigures): Hint[] {
  const hints: Hint[] = [];
  for (const stage of report.stages) {
    const { slowestTask, taskSkew, medianTaskMs } = stage;
    const successfulTasks = stage.tasks - stage.tasksFailed - stage.tasksKilled;
    if (slowestTask === null || taskSkew === null || medianTaskMs === null) {
      continue;
    }
    if (taskSkew < SKEW_RATIO_THRESHOLD || slowestTask.durationMs < SKEW_MIN_SLOWEST_TASK_MS) {
      continue;
    }
    if (successfulTasks < SKEW_MIN_TASKS) {
      continue;
    }

    const opening =
      `Stage ${stage.stageId}'s slowest task took ${formatRatio(taskSkew)} times the median ` +
      `(${formatDuration(slowestTask.durationMs)} against ${formatDuration(medianTaskMs)})`;
    hints.push({
      id: 'task-skew',
      stageId: stage.stageId,
      message: `${opening}${explainSlowestTask(stage, slowestTask, report.config)}`,
      value: taskSkew,
      threshold: SKEW_RATIO_THRESHOLD,
    });
  }
  return hints;
}

/** Tells data skew from a task that was slow for another reason, using the slowest task's own figures. */
function explainSlowestTask(stage: StageSummary, task: SlowestTask, config: SparkConfigSummary): string {
  const medianBytes = stage.medianTaskDataBytes ?? 0;
  if (task.dataBytes > 0 && task.dataBytes >= DATA_SKEW_RATIO * medianBytes) {
    const amounts = `${formatBytes(task.dataBytes)} against a median of ${formatBytes(medianBytes)}`;
    if (stage.shuffleReadBytes > 0) {
      return (
        `: it read ${amounts}, so the shuffle key is skewed; salting the key or AQE skew-join handling ` +
        '(spark.sql.adaptive.skewJoin.enabled) would help.'
      );
    }
    return `: it read ${amounts} of input, so the input splits are uneven; repartition the input or split its largest files.`;
  }

  const executor = `executor ${task.executorId} (${task.host})`;
  const sameData = 'with no more data than the median';
  if (task.deserializeTimeMs >= DOMINANT_CAUSE_SHARE * task.durationMs) {
    return (
      ` ${sameData}: ${formatDuration(task.deserializeTimeMs)} of it was task deserialization on ${executor}, ` +
      'the cost of a newly started executor or a large task closure; broadcast large objects instead of ' +
      'capturing them in closures, and keep executors alive between jobs (spark.dynamicAllocation.executorIdleTimeout).'
    );
  }
  if (task.gcTimeMs >= DOMINANT_CAUSE_SHARE * task.executorRunTimeMs && task.gcTimeMs > 0) {
    return (
      ` ${sameData}: ${formatDuration(task.gcTimeMs)} of it was GC on ${executor}; ` +
      `give the JVMs more memory (${describeTaskMemorySetting(config)}) or cache less on them.`
    );
  }
  if (task.shuffleFetchWaitMs >= DOMINANT_CAUSE_SHARE * task.durationMs) {
    return (
      ` ${sameData}: it waited ${formatDuration(task.shuffleFetchWaitMs)} for shuffle blocks on ${executor}; ` +
      'check the network and the executors or shuffle service that served them.'
    );
  }
  return (
    ` ${sameData}, so ${executor} was slow; enable speculative execution (spark.speculation=true) ` +
    'to rerun such stragglers elsewhere, or check that host.'
  );
}

import type { Progress } from '../../contract/job-view.js';

/** Counts of one application's work, from its monitoring REST API or its event log. */
export interface SparkWork {
  jobsDone: number;
  jobsTotal: number;
  stagesDone: number;
  /** Stages that ran or will run; stages Spark skipped because their output was reused are left out. */
  stagesTotal: number;
  tasksDone: number;
  tasksTotal: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Turn Spark's counts into the job's progress: tasks of the stages that run, with jobs, stages
 * and shuffle volume in the detail. `runner` (cells or scripts done) is kept in the detail too,
 * because a notebook may run non-Spark cells after its last Spark job.
 */
export function progressFromWork(work: SparkWork, runner: Progress | null): Progress {
  const parts = [
    `Spark jobs ${work.jobsDone}/${work.jobsTotal}`,
    `stages ${work.stagesDone}/${work.stagesTotal}`,
    `shuffle read ${formatBytes(work.shuffleReadBytes)}, write ${formatBytes(work.shuffleWriteBytes)}`,
  ];
  if (runner !== null) parts.push(`${runner.done}/${runner.total} ${runner.unit}`);
  return { done: work.tasksDone, total: work.tasksTotal, unit: 'tasks', detail: parts.join('; ') };
}

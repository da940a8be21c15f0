import { type JsonObject, numberField, stringField } from './json-fields.js';
import { median } from './median.js';
import type { TaskMetrics, TaskRecord } from './task-record.js';
import type { SlowestTask, StageStatus, StageSummary } from './types.js';

type StageSums = { [K in keyof TaskMetrics]: number } & { taskTimeMs: number };

/** Collects one stage attempt's events and task ends into a StageSummary. */
export class StageAccumulator {
  private name: string | null = null;
  private plannedTasks: number | null = null;
  private submissionTime: number | null = null;
  private completionTime: number | null = null;
  private failureReason: string | null = null;
  private completed = false;

  private tasks = 0;
  private tasksFailed = 0;
  private tasksKilled = 0;
  private firstTaskLaunchTime: number | null = null;
  private lastTaskFinishTime: number | null = null;
  private readonly sums: StageSums = {
    taskTimeMs: 0,
    executorRunTimeMs: 0,
    deserializeTimeMs: 0,
    gcTimeMs: 0,
    shuffleReadBytes: 0,
    shuffleFetchWaitMs: 0,
    shuffleWriteBytes: 0,
    memorySpillBytes: 0,
    diskSpillBytes: 0,
    inputBytes: 0,
    outputBytes: 0,
  };

  // Skew is measured on successful tasks only, because a failed attempt's time reflects its failure, not its data.
  private readonly successDurations: number[] = [];
  private readonly successDataBytes: number[] = [];
  private slowest: SlowestTask | null = null;

  constructor(
    readonly stageId: number,
    readonly attemptId: number,
  ) {}

  /** Takes the "Stage Info" of StageSubmitted or StageCompleted; later events fill what earlier ones lacked. */
  recordStageInfo(info: JsonObject | undefined, completed: boolean): void {
    this.name = stringField(info, 'Stage Name') ?? this.name;
    this.plannedTasks = numberField(info, 'Number of Tasks') ?? this.plannedTasks;
    this.submissionTime = numberField(info, 'Submission Time') ?? this.submissionTime;

    if (completed) {
      this.completed = true;
      this.completionTime = numberField(info, 'Completion Time') ?? this.completionTime;
      this.failureReason = stringField(info, 'Failure Reason') ?? null;
    }
  }

  addTask(task: TaskRecord): void {
    this.tasks += 1;
    if (task.outcome === 'failed') {
      this.tasksFailed += 1;
    }
    if (task.outcome === 'killed') {
      this.tasksKilled += 1;
    }

    this.firstTaskLaunchTime = Math.min(this.firstTaskLaunchTime ?? task.launchTime, task.launchTime);
    this.lastTaskFinishTime = Math.max(this.lastTaskFinishTime ?? task.finishTime, task.finishTime);
    this.sums.taskTimeMs += task.durationMs;
    for (const key of Object.keys(task.metrics) as (keyof TaskMetrics)[]) {
      this.sums[key] += task.metrics[key];
    }

    if (task.outcome === 'success') {
      this.recordSuccessfulTask(task);
    }
  }

  private recordSuccessfulTask(task: TaskRecord): void {
    const dataBytes = task.metrics.inputBytes + task.metrics.shuffleReadBytes;
    this.successDurations.push(task.durationMs);
    this.successDataBytes.push(dataBytes);

    if (this.slowest === null || task.durationMs > this.slowest.durationMs) {
      this.slowest = {
        taskId: task.taskId,
        index: task.index,
        executorId: task.executorId,
        host: task.host,
        durationMs: task.durationMs,
        executorRunTimeMs: task.metrics.executorRunTimeMs,
        deserializeTimeMs: task.metrics.deserializeTimeMs,
        gcTimeMs: task.metrics.gcTimeMs,
        shuffleFetchWaitMs: task.metrics.shuffleFetchWaitMs,
        dataBytes,
      };
    }
  }

  summarize(jobId: number | null): StageSummary {
    const medianTaskMs = median(this.successDurations);
    const maxTaskMs = this.slowest?.durationMs ?? null;
    const taskSkew = medianTaskMs !== null && medianTaskMs > 0 && maxTaskMs !== null ? maxTaskMs / medianTaskMs : null;
    const durationMs =
      this.completionTime !== null && this.submissionTime !== null ? this.completionTime - this.submissionTime : null;

    return {
      stageId: this.stageId,
      attemptId: this.attemptId,
      jobId,
      name: this.name,
      status: this.status(),
      failureReason: this.failureReason,
      plannedTasks: this.plannedTasks,
      tasks: this.tasks,
      tasksFailed: this.tasksFailed,
      tasksKilled: this.tasksKilled,
      submissionTime: this.submissionTime,
      completionTime: this.completionTime,
      durationMs,
      firstTaskLaunchTime: this.firstTaskLaunchTime,
      lastTaskFinishTime: this.lastTaskFinishTime,
      taskTimeMs: this.sums.taskTimeMs,
      executorRunTimeMs: this.sums.executorRunTimeMs,
      gcTimeMs: this.sums.gcTimeMs,
      shuffleReadBytes: this.sums.shuffleReadBytes,
      shuffleWriteBytes: this.sums.shuffleWriteBytes,
      memorySpillBytes: this.sums.memorySpillBytes,
      diskSpillBytes: this.sums.diskSpillBytes,
      inputBytes: this.sums.inputBytes,
      outputBytes: this.sums.outputBytes,
      medianTaskMs,
      maxTaskMs,
      taskSkew,
      medianTaskDataBytes: median(this.successDataBytes),
      slowestTask: this.slowest,
    };
  }

  private status(): StageStatus {
    if (!this.completed) {
      return 'running';
    }
    return this.failureReason === null ? 'complete' : 'failed';
  }
}

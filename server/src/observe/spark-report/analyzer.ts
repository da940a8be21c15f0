import { EventLineParser } from './event-line-parser.js';
import { ExecutorTracker } from './executor-tracker.js';
import { formatTime } from './format.js';
import { buildHints } from './hints/index.js';
import { JobTracker } from './job-tracker.js';
import { type JsonObject, numberField, objectField, stringField } from './json-fields.js';
import { readSparkConfig, resolveExecutorCeiling } from './spark-config.js';
import { StageAccumulator } from './stage-accumulator.js';
import { TaskFailureGroups } from './task-failure-groups.js';
import { readTaskEnd } from './task-record.js';
import type { ApplicationSummary, MetricSums, MetricTotals, SparkReport, SparkReportOptions, StageSummary } from './types.js';

/**
 * Builds a SparkReport from the lines of one event log, fed in order. It keeps per-task figures
 * only as numbers for medians and the busy-executor sweep, so it can read long logs line by line.
 */
export class SparkEventLogAnalyzer {
  private readonly parser = new EventLineParser();
  private readonly application: ApplicationSummary = {
    id: null,
    name: null,
    attemptId: null,
    user: null,
    sparkVersion: null,
    startTime: null,
    endTime: null,
    lastEventTime: null,
    durationMs: null,
  };
  private sparkProperties: JsonObject = {};
  private readonly jobs = new JobTracker();
  private readonly stages = new Map<string, StageAccumulator>();
  private readonly executors = new ExecutorTracker();
  private readonly taskFailures = new TaskFailureGroups();
  private readonly runningTasks = new Set<number>();
  private resubmittedTasks = 0;
  private readonly streamProblems: string[] = [];

  addLine(line: string): void {
    const event = this.parser.parse(line);
    if (event) {
      this.addEvent(event);
    }
  }

  /** Records that the byte stream under the lines ended early, for example inside a zstd frame. */
  markStreamCutOff(sentence: string): void {
    this.streamProblems.push(sentence);
  }

  /** Returns the report; raises SparkEventLogError when no event was read. */
  finish(options: SparkReportOptions = {}): SparkReport {
    this.parser.requireEvents();

    const application = this.summarizeApplication();
    const config = readSparkConfig(this.sparkProperties);
    const stages = this.summarizeStages();
    const jobs = this.jobs.summarize();
    const totals = sumTotals(stages);
    const usageEnd = application.endTime ?? application.lastEventTime;
    const ceiling = resolveExecutorCeiling(config, options.maxExecutors);
    const executors = this.executors.summarize(usageEnd, totals.taskTimeMs, ceiling);
    const incompleteReasons = this.incompleteReasons(application);

    const report: SparkReport = {
      incomplete: incompleteReasons.length > 0,
      incompleteReasons,
      application,
      config,
      counts: {
        lines: this.parser.lines,
        events: this.parser.events,
        jobs: jobs.length,
        jobsSucceeded: jobs.filter((job) => job.result === 'JobSucceeded').length,
        jobsFailed: jobs.filter((job) => job.result !== null && job.result !== 'JobSucceeded').length,
        stages: stages.length,
        stagesFailed: stages.filter((stage) => stage.status === 'failed').length,
        stagesSkipped: this.jobs.countSkippedStages(new Set(stages.map((stage) => stage.stageId))),
        tasks: sumOf(stages, (stage) => stage.tasks),
        tasksSucceeded: sumOf(stages, (stage) => stage.tasks - stage.tasksFailed - stage.tasksKilled),
        tasksFailed: sumOf(stages, (stage) => stage.tasksFailed),
        tasksKilled: sumOf(stages, (stage) => stage.tasksKilled),
        tasksStillRunning: this.runningTasks.size,
      },
      totals,
      jobs,
      stages,
      executors,
      failures: {
        taskFailures: this.taskFailures.list(),
        resubmittedTasks: this.resubmittedTasks,
        failedStages: stages
          .filter((stage) => stage.status === 'failed')
          .map((stage) => ({ stageId: stage.stageId, attemptId: stage.attemptId, reason: stage.failureReason ?? 'unknown' })),
        failedJobs: jobs
          .filter((job) => job.result !== null && job.result !== 'JobSucceeded')
          .map((job) => ({ jobId: job.jobId, message: job.failureMessage ?? job.result ?? 'unknown' })),
      },
      hints: [],
    };
    report.hints = buildHints(report);
    return report;
  }

  private addEvent(event: JsonObject): void {
    switch (event['Event']) {
      case 'SparkListenerLogStart':
        this.application.sparkVersion = stringField(event, 'Spark Version') ?? null;
        break;
      case 'SparkListenerApplicationStart':
        this.application.id = stringField(event, 'App ID') ?? null;
        this.application.name = stringField(event, 'App Name') ?? null;
        this.application.attemptId = stringField(event, 'App Attempt ID') ?? null;
        this.application.user = stringField(event, 'User') ?? null;
        this.application.startTime = this.observeTime(numberField(event, 'Timestamp'));
        break;
      case 'SparkListenerApplicationEnd':
        this.application.endTime = this.observeTime(numberField(event, 'Timestamp'));
        break;
      case 'SparkListenerEnvironmentUpdate':
        this.sparkProperties = objectField(event, 'Spark Properties') ?? this.sparkProperties;
        break;
      case 'SparkListenerJobStart':
        this.observeTime(numberField(event, 'Submission Time'));
        this.jobs.recordStart(event);
        break;
      case 'SparkListenerJobEnd':
        this.observeTime(numberField(event, 'Completion Time'));
        this.jobs.recordEnd(event);
        break;
      case 'SparkListenerStageSubmitted':
      case 'SparkListenerStageCompleted':
        this.recordStageInfo(objectField(event, 'Stage Info'), event['Event'] === 'SparkListenerStageCompleted');
        break;
      case 'SparkListenerTaskStart':
        this.recordTaskStart(event);
        break;
      case 'SparkListenerTaskEnd':
        this.recordTaskEnd(event);
        break;
      case 'SparkListenerExecutorAdded':
        this.observeTime(numberField(event, 'Timestamp'));
        this.executors.recordAdded(event);
        break;
      case 'SparkListenerExecutorRemoved':
        this.observeTime(numberField(event, 'Timestamp'));
        this.executors.recordRemoved(event);
        break;
      default:
        // SQL, block manager and other events carry nothing the report uses.
        break;
    }
  }

  private observeTime(time: number | undefined): number | null {
    if (time === undefined) {
      return null;
    }
    this.application.lastEventTime = Math.max(this.application.lastEventTime ?? time, time);
    return time;
  }

  private recordStageInfo(info: JsonObject | undefined, completed: boolean): void {
    if (!info) {
      return;
    }
    this.observeTime(numberField(info, 'Submission Time'));
    this.observeTime(numberField(info, 'Completion Time'));
    const stage = this.stageAttempt(numberField(info, 'Stage ID') ?? -1, numberField(info, 'Stage Attempt ID') ?? 0);
    stage.recordStageInfo(info, completed);
  }

  private recordTaskStart(event: JsonObject): void {
    const info = objectField(event, 'Task Info');
    const taskId = numberField(info, 'Task ID');
    if (taskId !== undefined) {
      this.runningTasks.add(taskId);
    }
    this.observeTime(numberField(info, 'Launch Time'));
  }

  private recordTaskEnd(event: JsonObject): void {
    const task = readTaskEnd(event);
    this.runningTasks.delete(task.taskId);
    this.observeTime(task.finishTime);

    // Spark sends Resubmitted for a task that had already ended, whose figures were counted then.
    if (task.outcome === 'resubmitted') {
      this.resubmittedTasks += 1;
      return;
    }

    this.stageAttempt(task.stageId, task.stageAttemptId).addTask(task);
    this.executors.recordTask(task.executorId, task.launchTime, task.finishTime);
    if (task.outcome === 'failed') {
      this.taskFailures.add(task);
    }
  }

  private stageAttempt(stageId: number, attemptId: number): StageAccumulator {
    const key = `${stageId}:${attemptId}`;
    let stage = this.stages.get(key);
    if (!stage) {
      stage = new StageAccumulator(stageId, attemptId);
      this.stages.set(key, stage);
    }
    return stage;
  }

  private summarizeApplication(): ApplicationSummary {
    const { startTime, endTime, lastEventTime } = this.application;
    const until = endTime ?? lastEventTime;
    const durationMs = startTime !== null && until !== null ? until - startTime : null;
    return { ...this.application, durationMs };
  }

  private summarizeStages(): StageSummary[] {
    return [...this.stages.values()]
      .sort((a, b) => a.stageId - b.stageId || a.attemptId - b.attemptId)
      .map((stage) => stage.summarize(this.jobs.jobOfStage(stage.stageId)));
  }

  private incompleteReasons(application: ApplicationSummary): string[] {
    const reasons = [...this.streamProblems];
    const cutOffLine = this.parser.cutOffLine;
    if (cutOffLine !== null) {
      reasons.push(`The last line (line ${cutOffLine}) is cut off mid-event and was skipped.`);
    }
    if (application.startTime === null) {
      reasons.push('The log has no SparkListenerApplicationStart event, so the application id, name and start time are unknown.');
    }
    if (application.endTime === null) {
      reasons.push(
        'The application end is missing: the log has no SparkListenerApplicationEnd event, which happens while the application runs or after its driver dies. ' +
          `The figures cover only the events up to ${formatTime(application.lastEventTime)}.`,
      );
    }
    return reasons;
  }
}

function sumOf<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

/** The MetricSums fields, in the order the report's JSON lists them. */
const METRIC_SUM_KEYS: readonly (keyof MetricSums)[] = [
  'taskTimeMs',
  'executorRunTimeMs',
  'gcTimeMs',
  'shuffleReadBytes',
  'shuffleWriteBytes',
  'memorySpillBytes',
  'diskSpillBytes',
  'inputBytes',
  'outputBytes',
];

function sumTotals(stages: readonly StageSummary[]): MetricTotals {
  const sums = Object.fromEntries(
    METRIC_SUM_KEYS.map((key) => [key, sumOf(stages, (stage) => stage[key])]),
  ) as unknown as MetricSums;
  return {
    ...sums,
    gcShare: sums.executorRunTimeMs > 0 ? sums.gcTimeMs / sums.executorRunTimeMs : null,
  };
}

/**
 * The post-run report of one Spark application, built from its event log. Times are epoch
 * milliseconds as Spark writes them, durations are milliseconds and sizes are bytes.
 */
export interface SparkReport {
  /** True when the log ends before SparkListenerApplicationEnd, so every figure covers only what was logged. */
  incomplete: boolean;
  /** One sentence per reason the log is incomplete; empty when it is complete. */
  incompleteReasons: string[];
  application: ApplicationSummary;
  config: SparkConfigSummary;
  counts: EventCounts;
  totals: MetricTotals;
  jobs: JobSummary[];
  /** One entry per stage attempt, ordered by stage id and attempt. */
  stages: StageSummary[];
  executors: ExecutorUsage;
  failures: FailureSummary;
  hints: Hint[];
}

export interface SparkReportOptions {
  /**
   * Executor ceiling to measure executor use against, such as the pool's limit. It takes
   * precedence over the ceiling that the log's Spark properties imply.
   */
  maxExecutors?: number;
}

export interface ApplicationSummary {
  id: string | null;
  name: string | null;
  /** Present on YARN and Kubernetes attempts; null in local mode. */
  attemptId: string | null;
  user: string | null;
  sparkVersion: string | null;
  startTime: number | null;
  /** Null when the log has no SparkListenerApplicationEnd. */
  endTime: number | null;
  /** The latest timestamp of any event, which bounds an incomplete log. */
  lastEventTime: number | null;
  /** From start to end, or to the last event when the end is missing. */
  durationMs: number | null;
}

/** The Spark properties that the hints refer to, as strings from SparkListenerEnvironmentUpdate. */
export interface SparkConfigSummary {
  master: string | null;
  executorMemory: string | null;
  executorCores: string | null;
  driverMemory: string | null;
  dynamicAllocationEnabled: boolean;
  dynamicAllocationMaxExecutors: string | null;
  dynamicAllocationIdleTimeout: string | null;
  executorInstances: string | null;
  sqlShufflePartitions: string | null;
}

export interface EventCounts {
  /** Non-empty lines read, including the cut-off last line of an incomplete log. */
  lines: number;
  events: number;
  jobs: number;
  jobsSucceeded: number;
  jobsFailed: number;
  /** Stage attempts that were submitted or completed. */
  stages: number;
  stagesFailed: number;
  /** Stages that jobs listed but that never ran, usually because their shuffle output was reused. */
  stagesSkipped: number;
  /** Task attempts that ended, excluding Resubmitted notices for tasks that had already ended. */
  tasks: number;
  tasksSucceeded: number;
  tasksFailed: number;
  /** Killed or denied a commit, as Spark's UI counts them: speculative copies that lost, cancelled jobs. */
  tasksKilled: number;
  /** Tasks that started but have no end event, which happens only in an incomplete log. */
  tasksStillRunning: number;
}

/** Task figures summed over the task attempts of a stage or of the whole application. */
export interface MetricSums {
  /** Wall time of the task attempts, launch to finish. */
  taskTimeMs: number;
  executorRunTimeMs: number;
  gcTimeMs: number;
  /** Remote plus local bytes read, as Spark's UI shows shuffle read size. */
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  memorySpillBytes: number;
  diskSpillBytes: number;
  inputBytes: number;
  outputBytes: number;
}

export interface MetricTotals extends MetricSums {
  /** GC time divided by executor run time; null when no task ran. */
  gcShare: number | null;
}

export interface JobSummary {
  jobId: number;
  submissionTime: number | null;
  completionTime: number | null;
  durationMs: number | null;
  /** JobSucceeded, JobFailed, or null when the job had not ended. */
  result: string | null;
  failureMessage: string | null;
  stageIds: number[];
}

export type StageStatus = 'complete' | 'failed' | 'running';

export interface StageSummary extends MetricSums {
  stageId: number;
  attemptId: number;
  /** The job that submitted the stage; null when no job start lists it. */
  jobId: number | null;
  name: string | null;
  status: StageStatus;
  failureReason: string | null;
  /** Number of tasks the stage was planned with. */
  plannedTasks: number | null;
  tasks: number;
  tasksFailed: number;
  tasksKilled: number;
  submissionTime: number | null;
  completionTime: number | null;
  /** Submission to completion, as Spark's UI shows it. */
  durationMs: number | null;
  firstTaskLaunchTime: number | null;
  lastTaskFinishTime: number | null;
  /** Median wall time of the successful tasks; null when none succeeded. */
  medianTaskMs: number | null;
  maxTaskMs: number | null;
  /** Slowest over median successful task time; null when the median is zero or unknown. */
  taskSkew: number | null;
  /** Median of input plus shuffle-read bytes per successful task. */
  medianTaskDataBytes: number | null;
  slowestTask: SlowestTask | null;
}

/** The time breakdown of a stage's slowest successful task, which separates data skew from a slow executor. */
export interface SlowestTask {
  taskId: number;
  index: number;
  executorId: string;
  host: string;
  durationMs: number;
  executorRunTimeMs: number;
  deserializeTimeMs: number;
  gcTimeMs: number;
  shuffleFetchWaitMs: number;
  /** Input plus shuffle-read bytes. */
  dataBytes: number;
}

export interface ExecutorUsage {
  /** Added and removed events in time order, with the count of live executors after each. */
  timeline: ExecutorEvent[];
  added: number;
  removed: number;
  maxConcurrent: number;
  /** Most executors running at least one task at the same instant. */
  maxBusy: number;
  /** Distinct core counts of the executors, ascending. */
  coresPerExecutor: number[];
  /** Core-milliseconds the executors held, from added to removed, or to the end of the log. */
  coreTimeMs: number;
  /** Task time divided by core time; null when no executor was added. */
  coreUse: number | null;
  ceiling: ExecutorCeiling | null;
  /** Executors removed for another reason than the driver releasing them. */
  losses: ExecutorLoss[];
}

export interface ExecutorEvent {
  time: number;
  kind: 'added' | 'removed';
  executorId: string;
  host: string | null;
  cores: number | null;
  reason: string | null;
  liveAfter: number;
}

export interface ExecutorCeiling {
  maxExecutors: number;
  /** The origin of the ceiling: the caller's option or the Spark property that set it. */
  source: 'option' | 'spark.dynamicAllocation.maxExecutors' | 'spark.executor.instances';
  /** Peak concurrent executors divided by the ceiling. */
  peakShare: number;
  /** Peak busy executors divided by the ceiling. */
  busyShare: number;
}

export interface ExecutorLoss {
  executorId: string;
  host: string | null;
  time: number;
  reason: string;
}

export interface FailureSummary {
  /** Failed task attempts grouped by reason, most frequent first. */
  taskFailures: TaskFailureGroup[];
  resubmittedTasks: number;
  failedStages: { stageId: number; attemptId: number; reason: string }[];
  failedJobs: { jobId: number; message: string }[];
}

export interface TaskFailureGroup {
  /** Spark's end reason, such as ExceptionFailure, FetchFailed or ExecutorLostFailure. */
  reason: string;
  /** First line of the failure message, shared by every task in the group. */
  message: string;
  count: number;
  stageIds: number[];
}

export type HintId =
  | 'task-skew'
  | 'disk-spill'
  | 'gc-time'
  | 'executors-below-ceiling'
  | 'idle-core-time'
  | 'task-failures'
  | 'executor-loss';

/** An actionable finding: the message names the figures and the setting to change. */
export interface Hint {
  id: HintId;
  /** The stage it concerns, for per-stage hints. */
  stageId: number | null;
  message: string;
  /** The measured figure that crossed the threshold, in the threshold's unit. */
  value: number;
  threshold: number;
}

import { firstLine } from './format.js';
import { type JsonObject, booleanField, numberField, objectField, stringField } from './json-fields.js';

export type TaskOutcome = 'success' | 'failed' | 'killed' | 'resubmitted';

/** The figures of one SparkListenerTaskEnd event that the report uses. */
export interface TaskRecord {
  stageId: number;
  stageAttemptId: number;
  taskId: number;
  index: number;
  executorId: string;
  host: string;
  launchTime: number;
  finishTime: number;
  durationMs: number;
  outcome: TaskOutcome;
  /** Spark's end reason, such as Success, ExceptionFailure or FetchFailed. */
  reason: string;
  /** First line of the failure description; null for successful tasks. */
  failureMessage: string | null;
  metrics: TaskMetrics;
}

export interface TaskMetrics {
  executorRunTimeMs: number;
  deserializeTimeMs: number;
  gcTimeMs: number;
  shuffleReadBytes: number;
  shuffleFetchWaitMs: number;
  shuffleWriteBytes: number;
  memorySpillBytes: number;
  diskSpillBytes: number;
  inputBytes: number;
  outputBytes: number;
}

/** Maps a TaskEnd event to a record; fields missing from older Spark versions count as zero. */
export function readTaskEnd(event: JsonObject): TaskRecord {
  const info = objectField(event, 'Task Info');
  const endReason = objectField(event, 'Task End Reason');
  const reason = stringField(endReason, 'Reason') ?? 'UnknownReason';
  const launchTime = numberField(info, 'Launch Time') ?? 0;
  const finishTime = numberField(info, 'Finish Time') ?? launchTime;

  return {
    stageId: numberField(event, 'Stage ID') ?? -1,
    stageAttemptId: numberField(event, 'Stage Attempt ID') ?? 0,
    taskId: numberField(info, 'Task ID') ?? -1,
    index: numberField(info, 'Index') ?? -1,
    executorId: stringField(info, 'Executor ID') ?? 'unknown',
    host: stringField(info, 'Host') ?? 'unknown',
    launchTime,
    finishTime,
    durationMs: Math.max(0, finishTime - launchTime),
    outcome: classifyOutcome(reason),
    reason,
    failureMessage: reason === 'Success' ? null : describeFailure(reason, endReason),
    metrics: readTaskMetrics(objectField(event, 'Task Metrics')),
  };
}

/** Follows the classification of Spark's status store, which counts a denied commit as killed. */
function classifyOutcome(reason: string): TaskOutcome {
  switch (reason) {
    case 'Success':
      return 'success';
    case 'TaskKilled':
    case 'TaskCommitDenied':
      return 'killed';
    case 'Resubmitted':
      return 'resubmitted';
    default:
      return 'failed';
  }
}

function describeFailure(reason: string, endReason: JsonObject | undefined): string {
  switch (reason) {
    case 'ExceptionFailure': {
      const className = stringField(endReason, 'Class Name') ?? 'unknown exception';
      const description = stringField(endReason, 'Description');
      return firstLine(description ? `${className}: ${description}` : className);
    }
    case 'FetchFailed': {
      const address = objectField(endReason, 'Block Manager Address');
      const executorId = stringField(address, 'Executor ID') ?? 'unknown';
      const message = stringField(endReason, 'Message');
      const where = `shuffle ${numberField(endReason, 'Shuffle ID') ?? '?'} from executor ${executorId}`;
      return firstLine(message ? `fetch of ${where} failed: ${message}` : `fetch of ${where} failed`);
    }
    case 'ExecutorLostFailure': {
      const executorId = stringField(endReason, 'Executor ID') ?? 'unknown';
      const cause = booleanField(endReason, 'Exit Caused By App') === false ? ', not caused by the application' : '';
      const lossReason = stringField(endReason, 'Loss Reason');
      return firstLine(`executor ${executorId} was lost${cause}${lossReason ? `: ${lossReason}` : ''}`);
    }
    case 'TaskKilled':
      return firstLine(stringField(endReason, 'Kill Reason') ?? 'killed');
    default:
      return reason;
  }
}

function readTaskMetrics(metrics: JsonObject | undefined): TaskMetrics {
  const shuffleRead = objectField(metrics, 'Shuffle Read Metrics');
  const shuffleWrite = objectField(metrics, 'Shuffle Write Metrics');

  return {
    executorRunTimeMs: numberField(metrics, 'Executor Run Time') ?? 0,
    deserializeTimeMs: numberField(metrics, 'Executor Deserialize Time') ?? 0,
    gcTimeMs: numberField(metrics, 'JVM GC Time') ?? 0,
    shuffleReadBytes: (numberField(shuffleRead, 'Remote Bytes Read') ?? 0) + (numberField(shuffleRead, 'Local Bytes Read') ?? 0),
    shuffleFetchWaitMs: numberField(shuffleRead, 'Fetch Wait Time') ?? 0,
    shuffleWriteBytes: numberField(shuffleWrite, 'Shuffle Bytes Written') ?? 0,
    memorySpillBytes: numberField(metrics, 'Memory Bytes Spilled') ?? 0,
    diskSpillBytes: numberField(metrics, 'Disk Bytes Spilled') ?? 0,
    inputBytes: numberField(objectField(metrics, 'Input Metrics'), 'Bytes Read') ?? 0,
    outputBytes: numberField(objectField(metrics, 'Output Metrics'), 'Bytes Written') ?? 0,
  };
}

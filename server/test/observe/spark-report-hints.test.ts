import { describe, expect, it } from 'vitest';
import {
  DISK_SPILL_MIN_BYTES,
  GC_MIN_EXECUTOR_RUN_TIME_MS,
  GC_SHARE_THRESHOLD,
  SKEW_MIN_SLOWEST_TASK_MS,
  SKEW_RATIO_THRESHOLD,
} from '../../src/observe/spark-report/hints/thresholds.js';
import { type Hint, type SparkReport, analyzeSparkEventLog, renderSparkReport } from '../../src/observe/spark-report/index.js';

/**
 * Small logs built from the event shapes that Spark's JsonProtocol writes, for cases the real
 * logs in the test data do not contain: failures, lost executors, and each side of every threshold.
 */
const START = 1_700_000_000_000;

interface TaskSpec {
  stageId?: number;
  stageAttemptId?: number;
  taskId: number;
  executorId?: string;
  launchOffsetMs?: number;
  durationMs: number;
  reason?: Record<string, unknown>;
  runTimeMs?: number;
  deserializeMs?: number;
  gcMs?: number;
  shuffleReadBytes?: number;
  fetchWaitMs?: number;
  inputBytes?: number;
  memorySpillBytes?: number;
  diskSpillBytes?: number;
}

function taskEnd(spec: TaskSpec): Record<string, unknown> {
  const launch = START + 10_000 + (spec.launchOffsetMs ?? 0);
  return {
    Event: 'SparkListenerTaskEnd',
    'Stage ID': spec.stageId ?? 1,
    'Stage Attempt ID': spec.stageAttemptId ?? 0,
    'Task Type': 'ResultTask',
    'Task End Reason': spec.reason ?? { Reason: 'Success' },
    'Task Info': {
      'Task ID': spec.taskId,
      Index: spec.taskId,
      Attempt: 0,
      'Launch Time': launch,
      'Executor ID': spec.executorId ?? '1',
      Host: `host-${spec.executorId ?? '1'}`,
      'Finish Time': launch + spec.durationMs,
      Failed: spec.reason !== undefined,
      Killed: false,
    },
    'Task Metrics': {
      'Executor Deserialize Time': spec.deserializeMs ?? 0,
      'Executor Run Time': spec.runTimeMs ?? spec.durationMs,
      'JVM GC Time': spec.gcMs ?? 0,
      'Memory Bytes Spilled': spec.memorySpillBytes ?? 0,
      'Disk Bytes Spilled': spec.diskSpillBytes ?? 0,
      'Shuffle Read Metrics': {
        'Remote Bytes Read': spec.shuffleReadBytes ?? 0,
        'Local Bytes Read': 0,
        'Fetch Wait Time': spec.fetchWaitMs ?? 0,
      },
      'Shuffle Write Metrics': { 'Shuffle Bytes Written': 0 },
      'Input Metrics': { 'Bytes Read': spec.inputBytes ?? 0 },
      'Output Metrics': { 'Bytes Written': 0 },
    },
  };
}

function executorAdded(executorId: string, offsetMs = 0): Record<string, unknown> {
  return {
    Event: 'SparkListenerExecutorAdded',
    Timestamp: START + offsetMs,
    'Executor ID': executorId,
    'Executor Info': { Host: `host-${executorId}`, 'Total Cores': 4 },
  };
}

function executorRemoved(executorId: string, reason: string, offsetMs: number): Record<string, unknown> {
  return { Event: 'SparkListenerExecutorRemoved', Timestamp: START + offsetMs, 'Executor ID': executorId, 'Removed Reason': reason };
}

function stage(stageId: number, completed: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const info = { 'Stage ID': stageId, 'Stage Attempt ID': 0, 'Stage Name': `stage ${stageId}`, 'Number of Tasks': 4, 'Submission Time': START + 9_000, ...extra };
  return completed
    ? { Event: 'SparkListenerStageCompleted', 'Stage Info': { 'Completion Time': START + 60_000, ...info } }
    : { Event: 'SparkListenerStageSubmitted', 'Stage Info': info };
}

/** Builds a complete YARN log around the given events, with one job over stages 1 and 2. */
function yarnLog(events: Record<string, unknown>[], properties: Record<string, string> = {}): string[] {
  return [
    { Event: 'SparkListenerLogStart', 'Spark Version': '3.5.1' },
    { Event: 'SparkListenerApplicationStart', 'App Name': 'demo', 'App ID': 'application_1_0001', Timestamp: START, User: 'ana' },
    {
      Event: 'SparkListenerEnvironmentUpdate',
      'Spark Properties': { 'spark.master': 'yarn', 'spark.executor.memory': '8g', ...properties },
    },
    { Event: 'SparkListenerJobStart', 'Job ID': 0, 'Submission Time': START + 8_000, 'Stage IDs': [1, 2] },
    stage(1, false),
    ...events,
    stage(1, true),
    { Event: 'SparkListenerJobEnd', 'Job ID': 0, 'Completion Time': START + 61_000, 'Job Result': { Result: 'JobSucceeded' } },
    { Event: 'SparkListenerApplicationEnd', Timestamp: START + 70_000 },
  ].map((event) => JSON.stringify(event));
}

/** Four tasks on executor 1 taking the given times, with the other figures of each task from `extra`. */
function stageTasks(durations: number[], extra: (i: number) => Partial<TaskSpec> = () => ({})): Record<string, unknown>[] {
  return durations.map((durationMs, i) => taskEnd({ taskId: i, durationMs, ...extra(i) }));
}

function analyze(events: Record<string, unknown>[], properties?: Record<string, string>, maxExecutors?: number): SparkReport {
  return analyzeSparkEventLog(yarnLog(events, properties), maxExecutors === undefined ? {} : { maxExecutors });
}

function hintsWithId(report: SparkReport, id: Hint['id']): Hint[] {
  return report.hints.filter((hint) => hint.id === id);
}

describe('task-skew hint', () => {
  const median = 1_000;
  const skewed = SKEW_RATIO_THRESHOLD * median;

  it('names a skewed shuffle key when the slowest task read more', () => {
    const report = analyze(stageTasks([median, median, median, skewed], (i) => ({ shuffleReadBytes: i === 3 ? 50_000_000 : 5_000_000 })));
    const [hint] = hintsWithId(report, 'task-skew');
    expect(hint?.stageId).toBe(1);
    expect(hint?.value).toBe(SKEW_RATIO_THRESHOLD);
    expect(hint?.message).toContain("Stage 1's slowest task took 5.0 times the median (5.0 s against 1.0 s)");
    expect(hint?.message).toContain('it read 50.0 MB against a median of 5.0 MB, so the shuffle key is skewed');
    expect(hint?.message).toContain('spark.sql.adaptive.skewJoin.enabled');
  });

  it('names uneven input splits when there is no shuffle read', () => {
    const report = analyze(stageTasks([median, median, median, skewed], (i) => ({ inputBytes: i === 3 ? 400_000_000 : 100_000_000 })));
    expect(hintsWithId(report, 'task-skew')[0]?.message).toContain('so the input splits are uneven');
  });

  it.each([
    ['deserialization', { deserializeMs: skewed - 500, runTimeMs: 500 }, 'of it was task deserialization on executor 1 (host-1)'],
    ['GC', { gcMs: 3_000, runTimeMs: skewed }, '3.0 s of it was GC on executor 1 (host-1); give the JVMs more memory (spark.executor.memory, now 8g)'],
    ['shuffle fetch wait', { fetchWaitMs: 4_000 }, 'it waited 4.0 s for shuffle blocks on executor 1 (host-1)'],
    ['a slow host', {}, 'so executor 1 (host-1) was slow; enable speculative execution (spark.speculation=true)'],
  ])('names %s when the data is even', (_cause, slowest, expected) => {
    const report = analyze(stageTasks([median, median, median, skewed], (i) => (i === 3 ? slowest : {})));
    expect(hintsWithId(report, 'task-skew')[0]?.message).toContain(expected);
  });

  it.each([
    ['a ratio below the threshold', [median, median, median, skewed - 1]],
    ['a slowest task under the minimum time', [100, 100, 100, SKEW_MIN_SLOWEST_TASK_MS - 1]],
    ['too few successful tasks', [median, skewed]],
  ])('stays silent for %s', (_case, durations) => {
    expect(hintsWithId(analyze(stageTasks(durations)), 'task-skew')).toEqual([]);
  });
});

describe('disk-spill hint', () => {
  it('fires at the threshold with the memory setting', () => {
    const report = analyze(stageTasks([1_000, 1_000], () => ({ diskSpillBytes: DISK_SPILL_MIN_BYTES / 2, memorySpillBytes: 3e8 })), {
      'spark.sql.shuffle.partitions': '200',
    });
    const [hint] = hintsWithId(report, 'disk-spill');
    expect(hint?.message).toBe(
      'Tasks spilled 100.0 MB to disk (600.0 MB in memory) in stage 1: raise spark.executor.memory, now 8g ' +
        'or the number of shuffle partitions (spark.sql.shuffle.partitions, now 200) so that each task fits in memory.',
    );
    expect(hint?.threshold).toBe(DISK_SPILL_MIN_BYTES);
  });

  it('stays silent below the threshold', () => {
    const report = analyze(stageTasks([1_000], () => ({ diskSpillBytes: DISK_SPILL_MIN_BYTES - 1 })));
    expect(hintsWithId(report, 'disk-spill')).toEqual([]);
  });
});

describe('gc-time hint', () => {
  const runTimeMs = GC_MIN_EXECUTOR_RUN_TIME_MS;

  it('fires at the threshold share', () => {
    const report = analyze(stageTasks([runTimeMs], () => ({ gcMs: GC_SHARE_THRESHOLD * runTimeMs })));
    const [hint] = hintsWithId(report, 'gc-time');
    expect(hint?.message).toContain('GC took 10% of executor run time (1.0 s of 10.0 s), most in stage 1');
    expect(hint?.value).toBe(GC_SHARE_THRESHOLD);
  });

  it.each([
    ['a share below the threshold', runTimeMs, GC_SHARE_THRESHOLD * runTimeMs - 1],
    ['too little executor run time', runTimeMs - 1, runTimeMs / 2],
  ])('stays silent for %s', (_case, duration, gcMs) => {
    expect(hintsWithId(analyze(stageTasks([duration], () => ({ gcMs }))), 'gc-time')).toEqual([]);
  });
});

describe('executor ceiling', () => {
  const executors = [executorAdded('1'), executorAdded('2'), executorAdded('3')];
  const tasks = [
    taskEnd({ taskId: 1, executorId: '1', durationMs: 1_000 }),
    taskEnd({ taskId: 2, executorId: '2', durationMs: 1_000, launchOffsetMs: 500 }),
    taskEnd({ taskId: 3, executorId: '3', durationMs: 1_000, launchOffsetMs: 1_000 }),
  ];

  it.each([
    ['the option', {}, 8, { maxExecutors: 8, source: 'option' }],
    ['maxExecutors under dynamic allocation', { 'spark.dynamicAllocation.enabled': 'true', 'spark.dynamicAllocation.maxExecutors': '10' }, undefined, { maxExecutors: 10, source: 'spark.dynamicAllocation.maxExecutors' }],
    ['executor instances without it', { 'spark.executor.instances': '6' }, undefined, { maxExecutors: 6, source: 'spark.executor.instances' }],
  ])('comes from %s', (_source, properties, option, expected) => {
    expect(analyze([...executors, ...tasks], properties, option).executors.ceiling).toMatchObject(expected);
  });

  it('counts executors busy at the same instant, ends before starts', () => {
    const report = analyze([...executors, ...tasks], {}, 8);
    expect(report.executors.maxBusy).toBe(2);
    expect(report.executors.maxConcurrent).toBe(3);
    expect(hintsWithId(report, 'executors-below-ceiling')[0]?.message).toBe(
      'Only 2 of 8 executors (the --max-executors ceiling) were busy at once, and at most 3 were running: ' +
        'lower the ceiling to 2 and leave the rest of the cluster to other jobs.',
    );
  });

  it('stays silent when more than half the ceiling was busy', () => {
    expect(hintsWithId(analyze([...executors, ...tasks], {}, 3), 'executors-below-ceiling')).toEqual([]);
  });
});

describe('failure reporting', () => {
  const oom = {
    Reason: 'ExceptionFailure',
    'Class Name': 'java.lang.OutOfMemoryError',
    Description: 'Java heap space',
    'Full Stack Trace': 'java.lang.OutOfMemoryError: Java heap space\n\tat ...',
  };

  it('groups failed tasks and advises on memory errors', () => {
    const report = analyze([
      taskEnd({ taskId: 1, durationMs: 100, reason: oom }),
      taskEnd({ taskId: 2, durationMs: 100, reason: oom }),
      taskEnd({ taskId: 3, durationMs: 100, reason: { Reason: 'TaskKilled', 'Kill Reason': 'another attempt succeeded' } }),
      taskEnd({ taskId: 4, durationMs: 100 }),
    ]);
    expect(report.counts).toMatchObject({ tasks: 4, tasksSucceeded: 1, tasksFailed: 2, tasksKilled: 1 });
    expect(report.failures.taskFailures).toEqual([
      { reason: 'ExceptionFailure', message: 'java.lang.OutOfMemoryError: Java heap space', count: 2, stageIds: [1] },
    ]);
    expect(hintsWithId(report, 'task-failures')[0]?.message).toBe(
      '2 task attempts failed; the most frequent failure (2 in stage 1) was ExceptionFailure: ' +
        'java.lang.OutOfMemoryError: Java heap space. Give executors more memory (spark.executor.memory) or split the data into more partitions.',
    );
    expect(renderSparkReport(report)).toContain('Failures\n  2 x ExceptionFailure in stage 1: java.lang.OutOfMemoryError: Java heap space\n');
  });

  it('advises the external shuffle service on fetch failures', () => {
    const fetchFailed = {
      Reason: 'FetchFailed',
      'Block Manager Address': { 'Executor ID': '2', Host: 'host-2', Port: 7337 },
      'Shuffle ID': 0,
      'Map ID': 3,
      'Reduce ID': 1,
      Message: 'java.io.IOException: Connection refused',
    };
    const report = analyze([taskEnd({ taskId: 1, durationMs: 100, reason: fetchFailed })]);
    expect(report.failures.taskFailures[0]?.message).toBe('fetch of shuffle 0 from executor 2 failed: java.io.IOException: Connection refused');
    expect(hintsWithId(report, 'task-failures')[0]?.message).toContain('spark.shuffle.service.enabled');
  });

  it('leaves resubmitted notices out of the task counts', () => {
    const report = analyze([taskEnd({ taskId: 1, durationMs: 100 }), taskEnd({ taskId: 1, durationMs: 100, reason: { Reason: 'Resubmitted' } })]);
    expect(report.counts.tasks).toBe(1);
    expect(report.failures.resubmittedTasks).toBe(1);
  });

  it('reports an executor lost to the cluster manager, not one the driver released', () => {
    const yarnKill = 'Container killed by YARN for exceeding memory limits. 9.1 GB of 9 GB physical memory used.';
    const report = analyze([
      executorAdded('1'),
      executorAdded('2'),
      executorRemoved('1', 'Executor killed by driver.', 20_000),
      executorRemoved('2', yarnKill, 30_000),
    ]);
    expect(report.executors.losses).toEqual([{ executorId: '2', host: 'host-2', time: START + 30_000, reason: yarnKill }]);
    const [hint] = hintsWithId(report, 'executor-loss');
    expect(hint?.message).toContain('1 executor was lost without the driver releasing them; the first, executor 2 on host-2');
    expect(hint?.message).toContain('raise spark.executor.memoryOverhead');
  });

  it('lists failed stage attempts and jobs', () => {
    const lines = [
      ...yarnLog([stage(2, true, { 'Failure Reason': 'Job aborted due to stage failure\nstack' })]),
    ];
    lines.splice(lines.length - 2, 1, JSON.stringify({
      Event: 'SparkListenerJobEnd',
      'Job ID': 0,
      'Completion Time': START + 61_000,
      'Job Result': { Result: 'JobFailed', Exception: { Message: 'Job aborted due to stage failure: Task 3 failed 4 times\nmore' } },
    }));
    const report = analyzeSparkEventLog(lines);
    expect(report.counts).toMatchObject({ jobs: 1, jobsFailed: 1, stages: 2, stagesFailed: 1 });
    expect(report.failures.failedStages).toEqual([{ stageId: 2, attemptId: 0, reason: 'Job aborted due to stage failure\nstack' }]);
    expect(report.failures.failedJobs).toEqual([{ jobId: 0, message: 'Job aborted due to stage failure: Task 3 failed 4 times' }]);
  });
});

describe('incomplete logs from lines', () => {
  it('counts tasks still running when the log stops', () => {
    const lines = yarnLog([
      executorAdded('1'),
      { Event: 'SparkListenerTaskStart', 'Stage ID': 1, 'Task Info': { 'Task ID': 7, 'Launch Time': START + 10_000 } },
    ]).slice(0, 7);
    const report = analyzeSparkEventLog(lines);
    expect(report.incomplete).toBe(true);
    expect(report.incompleteReasons).toEqual([
      'The application end is missing: the log has no SparkListenerApplicationEnd event, which happens while the application runs or after its driver dies. ' +
        'The figures cover only the events up to 2023-11-14T22:13:30.000Z.',
    ]);
    expect(report.counts.tasksStillRunning).toBe(1);
    expect(renderSparkReport(report)).toContain('INCOMPLETE LOG\n  The application end is missing');
    expect(report.stages[0]?.status).toBe('running');
    expect(report.application.durationMs).toBe(10_000);
  });
});

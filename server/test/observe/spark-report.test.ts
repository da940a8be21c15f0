import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSparkEventLogFile, type SparkReport } from '../../src/observe/spark-report/index.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

const EVENTS_FOLDER = 'spark-events';
const eventsFolder = sharedDataPath(EVENTS_FOLDER);
if (!eventsFolder) {
  console.warn(missingDataMessage(EVENTS_FOLDER));
}

/** Figures computed independently of the analyzer, by a Python pass over the raw JSON lines. */
interface ExpectedFigures {
  file: string;
  appId: string;
  sparkVersion: string;
  startTime: number;
  endTime: number;
  jobs: number;
  stages: number;
  tasks: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  memorySpillBytes: number;
  diskSpillBytes: number;
  gcTimeMs: number;
  executorRunTimeMs: number;
  executorsAdded: number;
  executorsRemoved: number;
  maxConcurrentExecutors: number;
  maxBusyExecutors: number;
  coresPerExecutor: number[];
  /** Stage id, task count, shuffle read and write bytes, and max over median task time. */
  stage: { stageId: number; tasks: number; shuffleReadBytes: number; shuffleWriteBytes: number; taskSkew: number };
  hints: string[];
}

const EXPECTED: ExpectedFigures[] = [
  {
    file: 'eventlog_4nodes_8cores_dynamic_alloc',
    appId: 'application_1707709865217_0493',
    sparkVersion: '3.2.1',
    startTime: 1727965992605,
    endTime: 1727966197896,
    jobs: 20,
    stages: 20,
    tasks: 235,
    shuffleReadBytes: 504_289_880,
    shuffleWriteBytes: 504_289_880,
    memorySpillBytes: 0,
    diskSpillBytes: 0,
    gcTimeMs: 26_207,
    executorRunTimeMs: 173_557,
    executorsAdded: 15,
    executorsRemoved: 14,
    maxConcurrentExecutors: 7,
    maxBusyExecutors: 5,
    coresPerExecutor: [4],
    stage: { stageId: 9, tasks: 6, shuffleReadBytes: 0, shuffleWriteBytes: 50_306_035, taskSkew: 15_780 / 751.5 },
    hints: ['task-skew:9', 'task-skew:40', 'gc-time', 'idle-core-time'],
  },
  {
    file: 'aqeshuffle_eventlog',
    appId: 'local-1651694304852',
    sparkVersion: '3.2.1',
    startTime: 1651694304114,
    endTime: 1651694322010,
    jobs: 4,
    stages: 4,
    tasks: 26,
    shuffleReadBytes: 101_410_263,
    shuffleWriteBytes: 101_410_263,
    memorySpillBytes: 553_648_128,
    diskSpillBytes: 118_948_980,
    gcTimeMs: 5_994,
    executorRunTimeMs: 41_388,
    executorsAdded: 1,
    executorsRemoved: 0,
    maxConcurrentExecutors: 1,
    maxBusyExecutors: 1,
    coresPerExecutor: [12],
    stage: { stageId: 4, tasks: 13, shuffleReadBytes: 101_409_496, shuffleWriteBytes: 767, taskSkew: 2468 / 2377 },
    hints: ['disk-spill:4', 'gc-time'],
  },
  {
    file: 'local-1532512550423',
    appId: 'local-1532512550423',
    sparkVersion: '2.3.0',
    startTime: 1532512549494,
    endTime: 1532512565469,
    jobs: 2,
    stages: 2,
    tasks: 8,
    shuffleReadBytes: 0,
    shuffleWriteBytes: 0,
    memorySpillBytes: 0,
    diskSpillBytes: 0,
    gcTimeMs: 44,
    executorRunTimeMs: 91,
    executorsAdded: 1,
    executorsRemoved: 0,
    maxConcurrentExecutors: 1,
    maxBusyExecutors: 1,
    coresPerExecutor: [4],
    stage: { stageId: 0, tasks: 4, shuffleReadBytes: 0, shuffleWriteBytes: 0, taskSkew: 265 / 248 },
    hints: [],
  },
];

const reports = new Map<string, Promise<SparkReport>>();

/** Analyzes each log file once, because the tests only read the report. */
function reportOf(file: string): Promise<SparkReport> {
  let report = reports.get(file);
  if (!report) {
    report = analyzeSparkEventLogFile(path.join(eventsFolder ?? '', file));
    reports.set(file, report);
  }
  return report;
}

function hintKeys(report: SparkReport): string[] {
  return report.hints.map((hint) => (hint.stageId === null ? hint.id : `${hint.id}:${hint.stageId}`));
}

describe.skipIf(!eventsFolder)('Spark report on real event logs', () => {
  describe.each(EXPECTED)('$file', (expected) => {
    const reportPromise = (): Promise<SparkReport> => reportOf(expected.file);

    it('reads the application', async () => {
      const { application, incomplete } = await reportPromise();
      expect(incomplete).toBe(false);
      expect(application.id).toBe(expected.appId);
      expect(application.sparkVersion).toBe(expected.sparkVersion);
      expect(application.startTime).toBe(expected.startTime);
      expect(application.endTime).toBe(expected.endTime);
      expect(application.durationMs).toBe(expected.endTime - expected.startTime);
    });

    it('counts jobs, stages and tasks', async () => {
      const { counts } = await reportPromise();
      expect(counts.jobs).toBe(expected.jobs);
      expect(counts.jobsSucceeded).toBe(expected.jobs);
      expect(counts.stages).toBe(expected.stages);
      expect(counts.tasks).toBe(expected.tasks);
      expect(counts.tasksSucceeded).toBe(expected.tasks);
      expect(counts.tasksFailed).toBe(0);
      expect(counts.tasksStillRunning).toBe(0);
    });

    it('sums shuffle, spill and GC', async () => {
      const { totals } = await reportPromise();
      expect(totals.shuffleReadBytes).toBe(expected.shuffleReadBytes);
      expect(totals.shuffleWriteBytes).toBe(expected.shuffleWriteBytes);
      expect(totals.memorySpillBytes).toBe(expected.memorySpillBytes);
      expect(totals.diskSpillBytes).toBe(expected.diskSpillBytes);
      expect(totals.gcTimeMs).toBe(expected.gcTimeMs);
      expect(totals.executorRunTimeMs).toBe(expected.executorRunTimeMs);
      expect(totals.gcShare).toBeCloseTo(expected.gcTimeMs / expected.executorRunTimeMs, 10);
    });

    it('summarizes one stage', async () => {
      const stage = (await reportPromise()).stages.find((candidate) => candidate.stageId === expected.stage.stageId);
      expect(stage?.tasks).toBe(expected.stage.tasks);
      expect(stage?.shuffleReadBytes).toBe(expected.stage.shuffleReadBytes);
      expect(stage?.shuffleWriteBytes).toBe(expected.stage.shuffleWriteBytes);
      expect(stage?.taskSkew).toBeCloseTo(expected.stage.taskSkew, 10);
    });

    it('follows executors', async () => {
      const { executors } = await reportPromise();
      expect(executors.added).toBe(expected.executorsAdded);
      expect(executors.removed).toBe(expected.executorsRemoved);
      expect(executors.maxConcurrent).toBe(expected.maxConcurrentExecutors);
      expect(executors.maxBusy).toBe(expected.maxBusyExecutors);
      expect(executors.coresPerExecutor).toEqual(expected.coresPerExecutor);
      expect(executors.losses).toEqual([]);
    });

    it('gives the expected hints', async () => {
      expect(hintKeys(await reportPromise())).toEqual(expected.hints);
    });
  });

  it('analyzes every event log in the folder', async () => {
    const logs = readdirSync(eventsFolder ?? '').filter((name) => !name.endsWith('.json'));
    expect(logs.sort()).toEqual(EXPECTED.map((expected) => expected.file).sort());
    for (const name of logs) {
      const report = await reportOf(name);
      expect(report.incomplete, name).toBe(false);
    }
  });
});

describe.skipIf(!eventsFolder)('Spark report hints on real event logs', () => {
  it('explains the skew of stage 9 as a slow task deserialization', async () => {
    const report = await reportOf('eventlog_4nodes_8cores_dynamic_alloc');
    const hint = report.hints.find((candidate) => candidate.id === 'task-skew' && candidate.stageId === 9);
    expect(hint?.message).toContain("Stage 9's slowest task took 21 times the median (15.8 s against 752 ms)");
    expect(hint?.message).toContain('15.1 s of it was task deserialization on executor 6');
  });

  it('names the spill of stage 4 and the driver memory in local mode', async () => {
    const report = await reportOf('aqeshuffle_eventlog');
    const hint = report.hints.find((candidate) => candidate.id === 'disk-spill');
    expect(hint?.message).toContain('Tasks spilled 118.9 MB to disk (553.6 MB in memory) in stage 4');
    expect(hint?.message).toContain('spark.driver.memory');
  });

  it('states the GC share with its figures', async () => {
    const report = await reportOf('eventlog_4nodes_8cores_dynamic_alloc');
    const hint = report.hints.find((candidate) => candidate.id === 'gc-time');
    expect(hint?.message).toContain('GC took 15% of executor run time (26.2 s of 2 min 54 s)');
    expect(hint?.message).toContain('spark.executor.memory, now 20g');
  });

  it('measures busy executors against a ceiling', async () => {
    const report = await analyzeSparkEventLogFile(path.join(eventsFolder ?? '', 'eventlog_4nodes_8cores_dynamic_alloc'), {
      maxExecutors: 15,
    });
    expect(report.executors.ceiling).toEqual({ maxExecutors: 15, source: 'option', peakShare: 7 / 15, busyShare: 5 / 15 });
    const hint = report.hints.find((candidate) => candidate.id === 'executors-below-ceiling');
    expect(hint?.message).toContain('Only 5 of 15 executors (the --max-executors ceiling) were busy at once');
    expect(hint?.value).toBeCloseTo(5 / 15, 10);
  });

  it('finds no ceiling under unbounded dynamic allocation', async () => {
    const report = await reportOf('eventlog_4nodes_8cores_dynamic_alloc');
    expect(report.config.dynamicAllocationEnabled).toBe(true);
    expect(report.executors.ceiling).toBeNull();
  });
});

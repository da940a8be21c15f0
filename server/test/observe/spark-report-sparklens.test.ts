import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSparkEventLogFile, type SparkReport } from '../../src/observe/spark-report/index.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

/**
 * sparklens (qubole/sparklens) wrote its own analysis of the same log. Its aggregate metrics sum
 * over all tasks, its stage start and end are the first task launch and last task finish, and
 * its taskDuration is finish minus launch time, so those figures must match the report exactly.
 */
const LOG = 'spark-events/local-1532512550423';
const SPARKLENS = 'spark-events/local-1532512550423.sparklens.json';

const logPath = sharedDataPath(LOG);
const sparklensPath = sharedDataPath(SPARKLENS);
if (!logPath || !sparklensPath) {
  console.warn(missingDataMessage(logPath ? SPARKLENS : LOG));
}

interface MetricAggregate {
  value: number;
  max: number;
}

interface SparklensMetrics {
  count: number;
  map: Record<string, MetricAggregate>;
}

interface SparklensAnalysis {
  appInfo: { applicationID: string; startTime: number; endTime: number };
  appMetrics: SparklensMetrics;
  stageIDToJobID: Record<string, number>;
  stageMap: Record<string, { startTime: number; endTime: number; numberOfTasks: number; stageMetrics: SparklensMetrics }>;
  jobMap: Record<string, { startTime: number; endTime: number }>;
  executorMap: Record<string, { startTime: number; cores: number }>;
}

/** sparklens metric name and the report total that must equal its value. */
const SHARED_TOTALS: [sparklensMetric: string, pick: (report: SparkReport) => number][] = [
  ['taskDuration', (report) => report.totals.taskTimeMs],
  ['executorRuntime', (report) => report.totals.executorRunTimeMs],
  ['jvmGCTime', (report) => report.totals.gcTimeMs],
  ['shuffleReadBytesRead', (report) => report.totals.shuffleReadBytes],
  ['shuffleWriteBytesWritten', (report) => report.totals.shuffleWriteBytes],
  ['memoryBytesSpilled', (report) => report.totals.memorySpillBytes],
  ['diskBytesSpilled', (report) => report.totals.diskSpillBytes],
  ['inputBytesRead', (report) => report.totals.inputBytes],
  ['outputBytesWritten', (report) => report.totals.outputBytes],
];

describe.skipIf(!logPath || !sparklensPath)('Spark report against sparklens', () => {
  const loadSparklens = (): SparklensAnalysis => JSON.parse(readFileSync(sparklensPath ?? '', 'utf8')) as SparklensAnalysis;
  const loadReport = (): Promise<SparkReport> => analyzeSparkEventLogFile(logPath ?? '');

  it('agrees on the application', async () => {
    const { appInfo, appMetrics } = loadSparklens();
    const report = await loadReport();
    expect(report.application.id).toBe(appInfo.applicationID);
    expect(report.application.startTime).toBe(appInfo.startTime);
    expect(report.application.endTime).toBe(appInfo.endTime);
    expect(report.counts.tasks).toBe(appMetrics.count);
  });

  it.each(SHARED_TOTALS)('agrees on the total %s', async (metric, pick) => {
    const { appMetrics } = loadSparklens();
    expect(pick(await loadReport())).toBe(appMetrics.map[metric]?.value);
  });

  it('agrees on every stage', async () => {
    const { stageMap, stageIDToJobID } = loadSparklens();
    const report = await loadReport();
    expect(report.stages.map((stage) => String(stage.stageId)).sort()).toEqual(Object.keys(stageMap).sort());

    for (const [stageId, expected] of Object.entries(stageMap)) {
      const stage = report.stages.find((candidate) => String(candidate.stageId) === stageId);
      const metrics = expected.stageMetrics.map;
      expect(stage?.tasks, `stage ${stageId} tasks`).toBe(expected.numberOfTasks);
      expect(stage?.jobId, `stage ${stageId} job`).toBe(stageIDToJobID[stageId]);
      expect(stage?.firstTaskLaunchTime, `stage ${stageId} start`).toBe(expected.startTime);
      expect(stage?.lastTaskFinishTime, `stage ${stageId} end`).toBe(expected.endTime);
      expect(stage?.taskTimeMs, `stage ${stageId} task time`).toBe(metrics['taskDuration']?.value);
      expect(stage?.maxTaskMs, `stage ${stageId} slowest task`).toBe(metrics['taskDuration']?.max);
      expect(stage?.executorRunTimeMs, `stage ${stageId} run time`).toBe(metrics['executorRuntime']?.value);
      expect(stage?.gcTimeMs, `stage ${stageId} GC`).toBe(metrics['jvmGCTime']?.value);
    }
  });

  it('agrees on every job', async () => {
    const { jobMap } = loadSparklens();
    const report = await loadReport();
    expect(report.jobs.map((job) => String(job.jobId)).sort()).toEqual(Object.keys(jobMap).sort());

    for (const [jobId, expected] of Object.entries(jobMap)) {
      const job = report.jobs.find((candidate) => String(candidate.jobId) === jobId);
      expect(job?.submissionTime, `job ${jobId} start`).toBe(expected.startTime);
      expect(job?.completionTime, `job ${jobId} end`).toBe(expected.endTime);
    }
  });

  it('agrees on the executors', async () => {
    const { executorMap } = loadSparklens();
    const report = await loadReport();
    const added = report.executors.timeline.filter((event) => event.kind === 'added');
    expect(added.map((event) => event.executorId).sort()).toEqual(Object.keys(executorMap).sort());

    for (const event of added) {
      const expected = executorMap[event.executorId];
      expect(event.cores, `executor ${event.executorId} cores`).toBe(expected?.cores);
      expect(event.time, `executor ${event.executorId} start`).toBe(expected?.startTime);
    }
  });
});

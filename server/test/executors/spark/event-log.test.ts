import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventLogWork } from '../../../src/executors/spark/event-log.js';
import { progressFromWork } from '../../../src/executors/spark/spark-progress.js';
import { missingDataMessage, sharedDataPath } from '../../support/shared-data.js';

const EVENTS = 'spark-events';
const folder = sharedDataPath(EVENTS);

// Expected counts as the data's SOURCES.md states them for each log.
const cases = [
  { log: 'aqeshuffle_eventlog', jobs: 4, stages: 4, tasks: 26, shuffleMb: 101 },
  { log: 'local-1532512550423', jobs: 2, stages: 2, tasks: 8, shuffleMb: 0 },
  { log: 'eventlog_4nodes_8cores_dynamic_alloc', jobs: 20, stages: 20, tasks: 235, shuffleMb: 504 },
];

describe.skipIf(folder === null)(folder === null ? missingDataMessage(EVENTS) : 'readEventLogWork on real event logs', () => {
  it.each(cases)('$log counts every task as done', async ({ log, jobs, stages, tasks, shuffleMb }) => {
    const work = await readEventLogWork(path.join(folder as string, log));

    expect(work?.jobsDone).toBe(jobs);
    expect(work?.jobsTotal).toBe(jobs);
    expect(work?.stagesTotal).toBe(stages);
    expect(work?.tasksTotal).toBe(tasks);
    expect(work?.tasksDone).toBe(tasks);
    expect(Math.floor((work?.shuffleWriteBytes ?? 0) / 1e6)).toBe(shuffleMb);
  });
});

describe('readEventLogWork', () => {
  it('returns null without an event log', async () => {
    expect(await readEventLogWork(path.join(os.tmpdir(), 'dofc-no-such-event-log'))).toBeNull();
  });

  it('skips a cut-off last line of a running log', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dofc-event-log-'));
    const stage = { 'Stage ID': 0, 'Stage Attempt ID': 0, 'Number of Tasks': 2 };
    const lines = [
      { Event: 'SparkListenerJobStart', 'Job ID': 0 },
      { Event: 'SparkListenerStageSubmitted', 'Stage Info': stage },
      { Event: 'SparkListenerTaskEnd', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Task End Reason': { Reason: 'Success' } },
    ].map((event) => JSON.stringify(event));
    writeFileSync(path.join(dir, 'events_1_app-1'), `${lines.join('\n')}\n{"Event":"SparkListenerTaskEnd","Sta`);

    const work = await readEventLogWork(dir);

    expect(work).toMatchObject({ jobsDone: 0, jobsTotal: 1, stagesDone: 0, stagesTotal: 1, tasksDone: 1, tasksTotal: 2 });
  });
});

describe('readEventLogWork with a stage run again', () => {
  it('counts a stage by its partitions, not by its attempts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dofc-event-log-'));
    const first = { 'Stage ID': 0, 'Stage Attempt ID': 0, 'Number of Tasks': 8 };
    // A lost executor took one partition's output; Spark ran that partition again in attempt 1.
    const second = { 'Stage ID': 0, 'Stage Attempt ID': 1, 'Number of Tasks': 1 };
    const success = (attempt: number) => ({ Event: 'SparkListenerTaskEnd', 'Stage ID': 0, 'Stage Attempt ID': attempt, 'Task End Reason': { Reason: 'Success' } });
    const lines = [
      { Event: 'SparkListenerJobStart', 'Job ID': 0 },
      { Event: 'SparkListenerStageSubmitted', 'Stage Info': first },
      ...Array.from({ length: 7 }, () => success(0)),
      { Event: 'SparkListenerTaskEnd', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Task End Reason': { Reason: 'ExecutorLostFailure' } },
      { Event: 'SparkListenerStageCompleted', 'Stage Info': { ...first, 'Failure Reason': 'executor lost' } },
      { Event: 'SparkListenerStageSubmitted', 'Stage Info': second },
      success(1),
      { Event: 'SparkListenerStageCompleted', 'Stage Info': second },
      { Event: 'SparkListenerJobEnd', 'Job ID': 0, 'Job Result': { Result: 'JobSucceeded' } },
    ].map((event) => JSON.stringify(event));
    writeFileSync(path.join(dir, 'events_1_app-1'), `${lines.join('\n')}\n`);

    const work = await readEventLogWork(dir);

    expect(work).toMatchObject({ jobsDone: 1, stagesDone: 1, stagesTotal: 1, tasksDone: 8, tasksTotal: 8 });
  });
});

describe('progressFromWork', () => {
  it('reports tasks with jobs, stages, shuffle and cells in the detail', () => {
    const work = { jobsDone: 1, jobsTotal: 2, stagesDone: 2, stagesTotal: 3, tasksDone: 10, tasksTotal: 16, shuffleReadBytes: 2048, shuffleWriteBytes: 3 * 1024 ** 2 };

    const progress = progressFromWork(work, { done: 4, total: 9, unit: 'cells' });

    expect(progress).toEqual({
      done: 10,
      total: 16,
      unit: 'tasks',
      detail: 'Spark jobs 1/2; stages 2/3; shuffle read 2.0 KiB, write 3.0 MiB; 4/9 cells',
    });
  });
});

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SparkWork } from './spark-progress.js';

interface StageCounts {
  numTasks: number;
  done: number;
  complete: boolean;
}

interface SparkEvent {
  Event?: string;
  'Job ID'?: number;
  'Job Result'?: { Result?: string };
  'Stage ID'?: number;
  'Stage Attempt ID'?: number;
  'Stage Info'?: { 'Stage ID': number; 'Stage Attempt ID': number; 'Number of Tasks': number; 'Failure Reason'?: string };
  'Task End Reason'?: { Reason?: string };
  'Task Metrics'?: {
    'Shuffle Read Metrics'?: { 'Remote Bytes Read'?: number; 'Local Bytes Read'?: number };
    'Shuffle Write Metrics'?: { 'Shuffle Bytes Written'?: number };
  };
}

/**
 * Event log files at `location`: the file itself, or every file below a folder. Spark 4 writes a
 * rolling log as a folder of `events_<n>_<app-id>` files, read in the order of n.
 */
async function eventLogFiles(location: string): Promise<string[]> {
  const info = await stat(location).catch(() => null);
  if (info === null) return [];
  if (info.isFile()) return [location];
  const entries = await readdir(location, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && !entry.name.startsWith('appstatus'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Count jobs, stages, tasks and shuffle bytes from the uncompressed JSON event log at `location`
 * (a file, or a folder of logs).
 * The driver's REST API is gone once the application ends, so the final progress comes from here.
 * Returns null when there is no event log (the application never started).
 */
export async function readEventLogWork(location: string): Promise<SparkWork | null> {
  const files = await eventLogFiles(location);
  if (files.length === 0) return null;

  const jobs = new Map<number, boolean>();
  const stages = new Map<string, StageCounts>();
  let shuffleReadBytes = 0;
  let shuffleWriteBytes = 0;

  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let event: SparkEvent;
      try {
        event = JSON.parse(line) as SparkEvent;
      } catch {
        // The last line of a log that is still being written may be cut off.
        continue;
      }

      switch (event.Event) {
        case 'SparkListenerJobStart':
          jobs.set(event['Job ID'] ?? -1, false);
          break;
        case 'SparkListenerJobEnd':
          jobs.set(event['Job ID'] ?? -1, event['Job Result']?.Result === 'JobSucceeded');
          break;
        case 'SparkListenerStageSubmitted':
        case 'SparkListenerStageCompleted': {
          const info = event['Stage Info'];
          if (info === undefined) break;
          const key = `${info['Stage ID']}.${info['Stage Attempt ID']}`;
          const stage = stages.get(key) ?? { numTasks: info['Number of Tasks'], done: 0, complete: false };
          if (event.Event === 'SparkListenerStageCompleted') stage.complete = info['Failure Reason'] === undefined;
          stages.set(key, stage);
          break;
        }
        case 'SparkListenerTaskEnd': {
          const stage = stages.get(`${event['Stage ID']}.${event['Stage Attempt ID']}`);
          if (stage !== undefined && event['Task End Reason']?.Reason === 'Success') stage.done += 1;
          const read = event['Task Metrics']?.['Shuffle Read Metrics'];
          shuffleReadBytes += (read?.['Remote Bytes Read'] ?? 0) + (read?.['Local Bytes Read'] ?? 0);
          shuffleWriteBytes += event['Task Metrics']?.['Shuffle Write Metrics']?.['Shuffle Bytes Written'] ?? 0;
          break;
        }
        default:
          break;
      }
    }
  }

  const stageList = mergeStageAttempts(stages);
  return {
    jobsDone: [...jobs.values()].filter(Boolean).length,
    jobsTotal: jobs.size,
    stagesDone: stageList.filter((stage) => stage.complete).length,
    stagesTotal: stageList.length,
    tasksDone: stageList.reduce((sum, stage) => sum + Math.min(stage.done, stage.numTasks), 0),
    tasksTotal: stageList.reduce((sum, stage) => sum + stage.numTasks, 0),
    shuffleReadBytes,
    shuffleWriteBytes,
  };
}

/**
 * Merges the attempts of each stage into one entry. A stage that Spark runs again, after a lost
 * executor for example, gets an attempt for the missing partitions only. So the stage's size is
 * its largest attempt, and the partitions done are the successes of all its attempts.
 */
function mergeStageAttempts(attempts: Map<string, StageCounts>): StageCounts[] {
  const byStage = new Map<string, StageCounts>();
  for (const [key, attempt] of attempts) {
    const stageId = key.slice(0, key.indexOf('.'));
    const merged = byStage.get(stageId);
    if (merged === undefined) {
      byStage.set(stageId, { ...attempt });
      continue;
    }
    merged.numTasks = Math.max(merged.numTasks, attempt.numTasks);
    merged.done += attempt.done;
    merged.complete = merged.complete || attempt.complete;
  }
  return [...byStage.values()];
}

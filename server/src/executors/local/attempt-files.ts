import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Progress } from '../../contract/job-view.js';
import type { RunnerResult } from '../executor.js';

/** File names shared with the Python runner (dofc/runner/protocol.py). */
export const ATTEMPT_FILES = {
  spec: 'spec.json',
  started: 'started',
  events: 'events.jsonl',
  result: 'result.json',
  output: 'output.ipynb',
  log: 'log.txt',
  pauseRequested: 'pause_requested',
} as const;

/** Read result.json, or null while the runner has not written it. */
export async function readRunnerResult(attemptDir: string): Promise<RunnerResult | null> {
  const file = path.join(attemptDir, ATTEMPT_FILES.result);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const result = JSON.parse(text) as RunnerResult;
  if (result.ended_at === undefined) {
    const written = await stat(file).catch(() => null);
    if (written !== null) result.ended_at = written.mtime.toISOString();
  }
  return result;
}

/** Read the pid recorded in the `started` marker, or null when the marker is absent or not the runner's. */
export async function readStartedPid(attemptDir: string): Promise<number | null> {
  const text = await readFile(path.join(attemptDir, ATTEMPT_FILES.started), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const pid = (JSON.parse(text) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Create the `started` marker exclusively for the scheduler. Returns false when a runner
 * created it first, in which case the runner owns the attempt.
 */
export function createFenceMarker(attemptDir: string): boolean {
  try {
    const fd = openSync(path.join(attemptDir, ATTEMPT_FILES.started), 'wx');
    writeSync(fd, JSON.stringify({ fenced_by: 'scheduler', pid: null }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Read the latest progress event in events.jsonl. */
export async function readLatestProgress(attemptDir: string): Promise<Progress | null> {
  const file = path.join(attemptDir, ATTEMPT_FILES.events);
  const info = await stat(file).catch(() => null);
  if (info === null) return null;
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      const event = JSON.parse(line) as { event?: string; done?: number; total?: number; unit?: string };
      if (event.event === 'progress' && typeof event.done === 'number' && typeof event.total === 'number') {
        return { done: event.done, total: event.total, unit: event.unit ?? 'steps' };
      }
    } catch {
      // The runner may be writing the last line right now; an earlier line will do.
    }
  }
  return null;
}

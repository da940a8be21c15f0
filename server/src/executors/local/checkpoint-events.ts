import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointEvent } from '../executor.js';
import { ATTEMPT_FILES } from './attempt-files.js';

/** Returns the checkpoint folder of a job. All its attempts share it, so a later attempt loads what an earlier one saved. */
export function checkpointDir(jobsDir: string, jobId: number): string {
  return path.join(jobsDir, String(jobId), 'checkpoints');
}

/**
 * Read every checkpoint event in events.jsonl, oldest first. The runner writes them as
 * `{"type": "checkpoint", "stage", "action", "bytes", "duration_s", "at"}`; lines of any other
 * type, and a last line still being written, are skipped.
 */
export async function readCheckpointEvents(attemptDir: string): Promise<CheckpointEvent[]> {
  const text = await readFile(path.join(attemptDir, ATTEMPT_FILES.events), 'utf8').catch(() => null);
  if (text === null) return [];

  const events: CheckpointEvent[] = [];
  for (const line of text.split('\n')) {
    const event = parseCheckpointLine(line);
    if (event !== null) events.push(event);
  }
  return events;
}

function parseCheckpointLine(line: string): CheckpointEvent | null {
  // A cheap test first, because events.jsonl has a line per cell and most are not checkpoints.
  if (!line.includes('"checkpoint"')) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }

  const { type, stage, action, bytes, duration_s: durationS, at } = value;
  if (type !== 'checkpoint' || typeof stage !== 'string' || typeof at !== 'string') return null;
  if (action !== 'saved' && action !== 'loaded') return null;
  if (typeof bytes !== 'number' || typeof durationS !== 'number') return null;
  return { stage, action, bytes, duration_s: durationS, at };
}

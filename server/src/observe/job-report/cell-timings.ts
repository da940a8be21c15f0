import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CellTiming } from './types.js';

const EVENTS_FILE = 'events.jsonl';

/**
 * Read the `cell` events the runner appends to events.jsonl as each code cell ends
 * (dofc/runner/notebook.py). A missing file or a half-written last line yields what was read.
 */
export async function readCellTimings(attemptDir: string): Promise<CellTiming[]> {
  const text = await readFile(path.join(attemptDir, EVENTS_FILE), 'utf8').catch(() => '');
  const cells: CellTiming[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let event: { event?: unknown; cell?: unknown; duration_s?: unknown; status?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue;
    }
    if (event.event !== 'cell' || typeof event.cell !== 'number' || typeof event.duration_s !== 'number') continue;
    cells.push({ cell: event.cell, duration_s: event.duration_s, status: typeof event.status === 'string' ? event.status : 'unknown' });
  }
  return cells;
}

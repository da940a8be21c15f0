import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Evidence of what ran, read from files that outlive the scheduler. The runner's `starts.log`
 * has one line per attempt that claimed its `started` marker. The job's own code appends to a
 * marker file, so a second run of the user's code shows even if the runner missed it.
 */

/** Returns the lines of a job's `starts.log`, or none when no runner ever began. */
export function startLines(dataDir: string, jobId: number): string[] {
  return linesOf(path.join(dataDir, 'jobs', String(jobId), 'starts.log'));
}

/** Returns the lines the job's code appended to its run marker, one per run of the code. */
export function runMarkerLines(markerDir: string, key: string): string[] {
  return linesOf(runMarkerPath(markerDir, key));
}

export function runMarkerPath(markerDir: string, key: string): string {
  return path.join(markerDir, `ran-${key}`);
}

/** Python that appends the attempt number and process id to the run marker; put it first in the job's code. */
export function appendRunMarker(markerDir: string, key: string): string {
  return [
    'import os',
    `with open(${JSON.stringify(runMarkerPath(markerDir, key))}, "a", encoding="utf-8") as marker:`,
    '    marker.write(f"attempt={os.environ.get(\'DOFC_ATTEMPT\')} pid={os.getpid()}\\n")',
  ].join('\n');
}

/** Returns the ids of the jobs a `dofc serve` process logged as started. */
export function jobsStartedIn(output: string): number[] {
  return jobsLoggedIn(output, 'job started');
}

/**
 * Returns the ids of the jobs whose runner a `dofc serve` process found still running after it
 * took over, and adopted: a leader killed between spawning a runner and logging the start leaves
 * no "job started" line for that job anywhere.
 */
export function jobsReattachedIn(output: string): number[] {
  return jobsLoggedIn(output, 're-attached to a runner after restart');
}

/**
 * Returns the ids of the jobs a `dofc serve` process logged `message` for. The service logs with
 * pino, one JSON object per line; lines that are not JSON (a crash trace) are skipped.
 */
function jobsLoggedIn(output: string, message: string): number[] {
  const ids: number[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: unknown; jobId?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg === message && typeof entry.jobId === 'number') ids.push(entry.jobId);
  }
  return ids;
}

function linesOf(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ATTEMPT_FILES, readStartedPid } from './attempt-files.js';
import { isRunnerAlive } from './process-liveness.js';

/**
 * Ask the runner of an attempt to pause: write `pause_requested`, then send SIGUSR1 to the
 * runner process. The file is the request itself, so a runner that has not claimed the attempt
 * yet, or misses the signal, still sees it at its next cell or checkpoint boundary. The signal
 * only wakes a runner that waits on a child.
 *
 * The signal goes to the pid in the `started` marker, never to the process group: SIGUSR1
 * terminates any process that has no handler for it, such as the kernel or a Spark JVM.
 * Returns the pid signalled, or null when no live runner was found.
 */
export async function requestRunnerPause(attemptDir: string): Promise<number | null> {
  const request = JSON.stringify({ requested_at: new Date().toISOString() });
  await writeFile(path.join(attemptDir, ATTEMPT_FILES.pauseRequested), request, 'utf8');

  const pid = await readStartedPid(attemptDir);
  if (pid === null || !isRunnerAlive(pid, attemptDir)) return null;
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    // The runner may exit between the liveness check and the signal.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    return null;
  }
  return pid;
}

import { existsSync, rmSync } from 'node:fs';
import { readEnvironment, STATE_FILE } from './environment';

/** Stop the scheduler and JupyterLab that global set-up started, with their child processes. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const environment = readEnvironment();
  for (const pid of environment.pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // The process group is already gone.
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  for (const pid of environment.pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // It stopped after SIGTERM.
    }
  }
  if (process.env['DOFC_UI_KEEP_TEMP'] !== '1') {
    for (const folder of environment.tempDirs) rmSync(folder, { recursive: true, force: true });
  }
  rmSync(STATE_FILE, { force: true });
}

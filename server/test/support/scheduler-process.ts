import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { StoreLocation } from '../../src/store/database.js';
import { REPO_ROOT } from './shared-data.js';
import { TEST_AUTH_ENV } from './test-auth.js';
import { apiFetch } from './service.js';

/** A `dofc serve` in a process of its own, so a test can kill it with SIGKILL. */
export interface SchedulerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * Start the compiled `dofc serve` and wait until /health answers, unless `awaitHealth` is false
 * (a test that kills the process during start-up). A PGlite store must be the `db` folder
 * inside `dataDir`, where `serve` keeps it.
 */
export async function startSchedulerProcess(
  dataDir: string,
  store: StoreLocation,
  env: Record<string, string> = {},
  { awaitHealth = true }: { awaitHealth?: boolean } = {},
): Promise<SchedulerProcess> {
  if (store.kind === 'pglite' && store.dir !== path.join(dataDir, 'db')) {
    throw new Error(`a PGlite store for dofc serve must be ${path.join(dataDir, 'db')}, not ${store.dir}`);
  }
  const port = await freePort();
  // A benchmark may point this at a snapshot of the compiled server that a concurrent build cannot change.
  const serverDir = process.env['DOFC_TEST_SERVER_DIR'] ?? path.join(REPO_ROOT, 'server');
  const child = spawn(
    process.execPath,
    ['bin/dofc.js', 'serve', '--port', String(port), '--data-dir', dataDir],
    {
      cwd: serverDir,
      env: {
        ...process.env,
        DATABASE_URL: store.kind === 'postgres' ? store.url : '',
        DOFC_TICK_MS: '200',
        DOFC_LOG_LEVEL: 'info',
        // Idle warm kernels would compete with the suite for its two cores; a test may pass its own.
        DOFC_WARM_KERNELS: '0',
        ...TEST_AUTH_ENV,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = `http://127.0.0.1:${port}`;
  if (!awaitHealth) return { url, child, output: () => output };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dofc serve exited with ${child.exitCode}:\n${output}`);
    const healthy = await apiFetch(url, '/health', {}, null).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`dofc serve did not answer within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, child, output: () => output };
}

/** Kill the scheduler process with SIGKILL and wait until it is gone. */
export async function killScheduler(scheduler: SchedulerProcess): Promise<void> {
  const child = scheduler.child;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

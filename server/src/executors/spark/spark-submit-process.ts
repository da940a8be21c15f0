import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import type { SparkSettings } from './spark-settings.js';

/** The end of a process: its exit code, or the signal that killed it. */
export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/** A spark-submit process this scheduler started; `exit` is set once it has ended. */
export interface SparkSubmitProcess {
  child: ChildProcess;
  pid: number;
  exit: ExitInfo | null;
}

/**
 * Start `spark-submit argv` in a process group of its own, with its output appended to `logFile`.
 * The process outlives a scheduler that is killed, and the group lets a cancel stop the driver
 * and everything it started.
 */
export async function spawnSparkSubmit(settings: SparkSettings, argv: string[], cwd: string, logFile: string): Promise<SparkSubmitProcess> {
  const sparkSubmit = path.join(settings.sparkHome, 'bin', 'spark-submit');
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(sparkSubmit, argv, {
      cwd,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        SPARK_HOME: settings.sparkHome,
        PYSPARK_PYTHON: settings.python,
        PYSPARK_DRIVER_PYTHON: settings.python,
        // The driver binds its ports to loopback unless the operator names a reachable address.
        SPARK_LOCAL_IP: process.env['SPARK_LOCAL_IP'] ?? '127.0.0.1',
        PYTHONUNBUFFERED: '1',
      },
    });
  } finally {
    closeSync(logFd);
  }

  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) =>
      reject(new Error(`Could not start ${sparkSubmit}: ${error.message}. Set DOFC_SPARK_HOME to a Spark installation or install pyspark into ${settings.python}'s environment.`)),
    );
  });
  const started: SparkSubmitProcess = { child, pid, exit: null };
  child.once('exit', (code, signal) => {
    started.exit = { code, signal };
  });
  child.unref();
  return started;
}

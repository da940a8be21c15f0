import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/shared-data.js';

const run = promisify(execFile);

/** Ports apart from Spark's defaults, so a developer's own cluster on 7077/8080 is left alone. */
export const TEST_MASTER_PORT = 17077;
export const TEST_MASTER_UI_PORT = 18080;

/** A standalone cluster started by scripts/spark-cluster.sh for one test file. */
export interface TestSparkCluster {
  master: string;
  webUrl: string;
  dir: string;
  /** The pid of worker `n` (1-based), from the script's pid file. */
  workerPid(n: number): number;
  /** The number (1-based) of the worker that runs an executor of application `appId`, or null. */
  workerOf(appId: string): Promise<number | null>;
  stop(): Promise<void>;
}

export async function startSparkCluster(): Promise<TestSparkCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dofc-spark-cluster-'));
  const env = {
    ...process.env,
    DOFC_SPARK_CLUSTER_DIR: dir,
    SPARK_MASTER_PORT: String(TEST_MASTER_PORT),
    SPARK_MASTER_WEBUI_PORT: String(TEST_MASTER_UI_PORT),
    // The master and workers live for one test file, so the optimising JIT compiler only costs start-up time.
    SPARK_DAEMON_JAVA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
  };
  const script = path.join(REPO_ROOT, 'scripts', 'spark-cluster.sh');
  await run('bash', [script, 'start'], { env });
  return {
    master: `spark://127.0.0.1:${TEST_MASTER_PORT}`,
    webUrl: `http://127.0.0.1:${TEST_MASTER_UI_PORT}`,
    dir,
    workerPid: (n) => Number(readFileSync(path.join(dir, `worker-${n}.pid`), 'utf8').trim()),
    workerOf: async (appId) => {
      // The script gives worker n the web UI port TEST_MASTER_UI_PORT + n.
      for (const n of [1, 2]) {
        const state = await fetch(`http://127.0.0.1:${TEST_MASTER_UI_PORT + n}/json/`)
          .then(async (response) => (await response.json()) as { executors: { appid: string }[] })
          .catch(() => null);
        if (state?.executors.some((executor) => executor.appid === appId)) return n;
      }
      return null;
    },
    stop: async () => {
      await run('bash', [script, 'stop'], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll `read` every 250 ms until it returns a value other than null, or fail after `timeoutMs`. */
export async function eventually<T>(what: string, read: () => Promise<T | null>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

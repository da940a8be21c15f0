import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../config.js';
import type { Progress } from '../../contract/job-view.js';
import type { Logger } from '../../logger.js';
import type { AttemptHandle, AttemptLaunch, AttemptStatus, Executor, FenceResult } from '../executor.js';
import { ATTEMPT_FILES, readLatestProgress, readRunnerResult, readStartedPid } from '../local/attempt-files.js';
import { readCheckpointEvents } from '../local/checkpoint-events.js';
import { LocalExecutor } from '../local/local-executor.js';
import { requestRunnerPause } from '../local/pause-request.js';
import { isRunnerAlive, signalGroup } from '../local/process-liveness.js';
import { findDriverApi, readDriverWork, type DriverApi } from './driver-ui.js';
import { readEventLogWork } from './event-log.js';
import { findFreePort } from './free-port.js';
import { clusterLoad, findActiveApplication, killApplication, readMasterState, type ClusterLoad } from './master-client.js';
import { applicationName, EVENT_LOG_DIR, sparkConfFor, submitArgv } from './spark-conf.js';
import { progressFromWork } from './spark-progress.js';
import type { SparkSettings } from './spark-settings.js';

export interface SparkExecutorOptions {
  /** Folder under which each job gets `<jobId>/attempt-<n>/`. */
  jobsDir: string;
  settings: SparkSettings;
  logger: Logger;
  /** The Python driver entry spark-submit runs; by default dofc/spark/driver.py in this checkout. */
  driverFile?: string;
}

/** Record of the submitted application, kept in the attempt folder so a restarted scheduler finds it. */
interface SparkAttemptRecord {
  appName: string;
  uiPort: number;
  workdir: string;
  argv: string[];
}

/** The attempt's Spark record: application name, UI port, working folder and spark-submit arguments. */
export const SPARK_ATTEMPT_FILE = 'spark.json';
const DOFC_APP_PREFIX = 'dofc-job-';

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/**
 * Runs each attempt as a Spark application in client mode: `spark-submit --conf ... driver.py
 * ATTEMPT_DIR`, with the job's allocation as the application's ceilings.
 *
 * Design: spark-submit itself starts the JVM, so the ceilings, the application name and the
 * event log are fixed before any user code runs, and DOFC owns the driver's process group.
 * The driver entry reuses the runner's file protocol. A notebook's kernel joins the driver's JVM
 * and gets the session before its first cell, so the notebook's own `getOrCreate()` cannot
 * change the master or the ceilings. The alternative, PYSPARK_SUBMIT_ARGS read by the notebook's
 * own session, would let `.master(...)` or `.appName(...)` in the notebook escape both.
 */
export class SparkExecutor implements Executor {
  readonly name = 'spark';
  private readonly files: LocalExecutor;
  private readonly driverFile: string;
  private readonly children = new Map<string, { child: ChildProcess; exit: ExitInfo | null }>();
  private readonly driverApis = new Map<string, DriverApi>();

  constructor(private readonly options: SparkExecutorOptions) {
    // The attempt folder (spec.json, source snapshot, fence marker) is the same as a local attempt's.
    this.files = new LocalExecutor({ jobsDir: options.jobsDir, python: options.settings.python, logger: options.logger });
    this.driverFile = options.driverFile ?? path.join(REPO_ROOT, 'dofc', 'spark', 'driver.py');
  }

  attemptDir(jobId: number, attempt: number): string {
    return this.files.attemptDir(jobId, attempt);
  }

  async prepare(launch: AttemptLaunch): Promise<AttemptHandle> {
    if (launch.allocation === undefined) {
      throw new Error(`Job ${launch.jobId} reached the Spark executor without its allocation; the scheduler must pass max_executors, cores_per_executor and mem_per_executor_gb.`);
    }
    const handle = await this.files.prepare(launch);
    await mkdir(path.join(handle.attemptDir, EVENT_LOG_DIR), { recursive: true });

    const uiPort = await findFreePort();
    const conf = sparkConfFor(this.options.settings, {
      jobId: launch.jobId,
      attempt: launch.attempt,
      attemptDir: handle.attemptDir,
      allocation: launch.allocation,
      uiPort,
    });
    const spec = JSON.parse(await readFile(path.join(handle.attemptDir, ATTEMPT_FILES.spec), 'utf8')) as { workdir: string };
    const record: SparkAttemptRecord = {
      appName: applicationName(launch.jobId, launch.attempt),
      uiPort,
      workdir: spec.workdir,
      argv: submitArgv(this.options.settings, conf, this.driverFile, handle.attemptDir),
    };
    await writeFile(path.join(handle.attemptDir, SPARK_ATTEMPT_FILE), JSON.stringify(record, null, 2), 'utf8');
    return handle;
  }

  async start(handle: AttemptHandle): Promise<number> {
    const record = await readAttemptRecord(handle.attemptDir);
    const settings = this.options.settings;
    const sparkSubmit = path.join(settings.sparkHome, 'bin', 'spark-submit');
    const logFd = openSync(path.join(handle.attemptDir, ATTEMPT_FILES.log), 'a');
    let child: ChildProcess;
    try {
      child = spawn(sparkSubmit, record.argv, {
        // Relative paths in the user's code resolve against the JVM's working folder, as in Jupyter.
        cwd: existsSync(record.workdir) ? record.workdir : handle.attemptDir,
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
    const entry = { child, exit: null as ExitInfo | null };
    child.once('exit', (code, signal) => {
      entry.exit = { code, signal };
    });
    child.unref();
    this.children.set(handle.attemptDir, entry);
    this.options.logger.info({ jobId: handle.jobId, attempt: handle.attempt, pid, app: record.appName, master: settings.master }, 'spark application submitted');
    return pid;
  }

  async inspect(handle: AttemptHandle): Promise<AttemptStatus> {
    const runnerProgress = await readLatestProgress(handle.attemptDir);
    const entry = this.children.get(handle.attemptDir);

    let ended: ExitInfo | null | undefined;
    if (entry !== undefined) {
      if (entry.exit !== null) ended = entry.exit;
    } else {
      // Re-attached after a restart: spark-submit is not our child, so look at the process table.
      const pid = handle.pid ?? (await readStartedPid(handle.attemptDir));
      if (pid === null || !isRunnerAlive(pid, handle.attemptDir)) ended = null;
    }

    const checkpoints = await readCheckpointEvents(handle.attemptDir);
    if (ended === undefined) {
      return { kind: 'running', progress: (await this.liveProgress(handle, runnerProgress)) ?? runnerProgress, checkpoints };
    }

    this.children.delete(handle.attemptDir);
    this.driverApis.delete(handle.attemptDir);
    const work = await readEventLogWork(path.join(handle.attemptDir, EVENT_LOG_DIR));
    const progress = work !== null && work.tasksTotal > 0 ? progressFromWork(work, runnerProgress) : runnerProgress;
    return { kind: 'ended', result: await readRunnerResult(handle.attemptDir), exit: ended, progress, checkpoints };
  }

  /**
   * Signal the Python driver, not spark-submit: the pid in the `started` marker is the Python
   * process that runs the attempt and handles SIGUSR1, while the JVM launched it and does not.
   */
  async requestPause(handle: AttemptHandle): Promise<void> {
    const pid = await requestRunnerPause(handle.attemptDir);
    this.options.logger.info({ jobId: handle.jobId, attempt: handle.attempt, pid }, pid === null ? 'pause requested; no live driver to signal' : 'pause requested');
  }

  /**
   * Kill the application through the master, so its executors are released at once, then stop
   * the driver's process group (SIGTERM, then SIGKILL after `graceMs`).
   */
  terminate(handle: AttemptHandle, graceMs: number): void {
    const log = this.options.logger.child({ jobId: handle.jobId, attempt: handle.attempt, pid: handle.pid });
    const stopDriver = (): void => {
      const pid = handle.pid;
      if (pid === null) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      timer.unref();
    };

    this.killOnMaster(handle)
      .then((appId) => log.info({ appId }, appId === null ? 'no application on the master; stopping the driver' : 'killed the application on the master'))
      .catch((error: unknown) => log.warn({ err: error }, 'could not kill the application on the master; stopping the driver only'))
      .finally(stopDriver);
  }

  async fence(handle: AttemptHandle): Promise<FenceResult> {
    return this.files.fence(handle);
  }

  logPath(handle: Pick<AttemptHandle, 'attemptDir'>): string {
    return this.files.logPath(handle);
  }

  outputPath(handle: Pick<AttemptHandle, 'attemptDir'>): string {
    return this.files.outputPath(handle);
  }

  /**
   * Read the standalone master's capacity and the load of applications DOFC did not start, or
   * return null for a cluster manager without a master web UI.
   */
  async readClusterLoad(): Promise<ClusterLoad | null> {
    const webUrl = this.options.settings.masterWebUrl;
    if (webUrl === null) return null;
    return clusterLoad(await readMasterState(webUrl), (name) => name.startsWith(DOFC_APP_PREFIX));
  }

  /** Kill the attempt's application on the master; returns its id, or null when the master lists none. */
  private async killOnMaster(handle: AttemptHandle): Promise<string | null> {
    const webUrl = this.options.settings.masterWebUrl;
    if (webUrl === null) return null;
    const record = await readAttemptRecord(handle.attemptDir);
    const app = findActiveApplication(await readMasterState(webUrl), record.appName);
    if (app === null) return null;
    await killApplication(webUrl, app.id);
    return app.id;
  }

  private async liveProgress(handle: AttemptHandle, runnerProgress: Progress | null): Promise<Progress | null> {
    let api = this.driverApis.get(handle.attemptDir);
    if (api === undefined) {
      const record = await readAttemptRecord(handle.attemptDir).catch(() => null);
      if (record === null) return null;
      api = (await findDriverApi('127.0.0.1', record.uiPort, record.appName)) ?? undefined;
      if (api === undefined) return null;
      this.driverApis.set(handle.attemptDir, api);
    }
    const work = await readDriverWork(api);
    if (work === null || work.tasksTotal === 0) return null;
    return progressFromWork(work, runnerProgress);
  }
}

async function readAttemptRecord(attemptDir: string): Promise<SparkAttemptRecord> {
  return JSON.parse(await readFile(path.join(attemptDir, SPARK_ATTEMPT_FILE), 'utf8')) as SparkAttemptRecord;
}

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
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
import { readAttemptRecord, writeAttemptRecord, type SparkAttemptRecord } from './spark-attempt-record.js';
import { applicationName, EVENT_LOG_DIR, isDofcApplicationName, jobWarehouseDir, sparkConfFor, submitArgv } from './spark-conf.js';
import { progressFromWork } from './spark-progress.js';
import type { SparkSettings } from './spark-settings.js';
import { spawnSparkSubmit, type ExitInfo, type SparkSubmitProcess } from './spark-submit-process.js';
import type { SparkWarmPool, WarmDriverClaim } from './spark-warm-pool.js';
import { moveSlotEventLog } from './warm-slot-files.js';

export { SPARK_ATTEMPT_FILE } from './spark-attempt-record.js';

export interface SparkExecutorOptions {
  /** Folder under which each job gets `<jobId>/attempt-<n>/`. */
  jobsDir: string;
  settings: SparkSettings;
  logger: Logger;
  /** The Python driver entry spark-submit runs; by default dofc/spark/driver.py in this checkout. */
  driverFile?: string;
  /** Started drivers that Light notebooks claim instead of a cold spark-submit; null or absent for none. */
  warmPool?: SparkWarmPool | null;
}

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
 *
 * With a warm pool, an attempt that fits a warm driver (SparkWarmPool.fits) starts on one whose
 * SparkSession already exists. The driver's spark-submit process is then the attempt's process:
 * its pid is the attempt's, cancel kills its application, and its event log is moved into the
 * attempt folder when it ends.
 */
export class SparkExecutor implements Executor {
  readonly name = 'spark';
  private readonly files: LocalExecutor;
  private readonly driverFile: string;
  private readonly children = new Map<string, SparkSubmitProcess>();
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
    await writeAttemptRecord(handle.attemptDir, {
      appName: applicationName(launch.jobId, launch.attempt),
      uiPort,
      workdir: spec.workdir,
      argv: submitArgv(this.options.settings, conf, this.driverFile, handle.attemptDir),
      checkpointDir: conf['spark.checkpoint.dir'] as string,
      warehouseDir: jobWarehouseDir(handle.attemptDir),
      warmEligible: this.options.warmPool?.fits(launch) ?? false,
    });
    return handle;
  }

  async start(handle: AttemptHandle): Promise<number> {
    const record = await readAttemptRecord(handle.attemptDir);
    const warmPool = this.options.warmPool;
    const warm = record.warmEligible && warmPool ? await this.claimWarmDriver(warmPool, handle, record) : null;
    const started =
      warm?.process ??
      (await spawnSparkSubmit(
        this.options.settings,
        record.argv,
        // Relative paths in the user's code resolve against the JVM's working folder, as in Jupyter.
        existsSync(record.workdir) ? record.workdir : handle.attemptDir,
        path.join(handle.attemptDir, ATTEMPT_FILES.log),
      ));
    this.children.set(handle.attemptDir, started);
    this.options.logger.info(
      { jobId: handle.jobId, attempt: handle.attempt, pid: started.pid, app: warm?.appName ?? record.appName, warmDriver: warm?.dir, master: this.options.settings.master },
      warm === null ? 'spark application submitted' : 'attempt started on a warm Spark driver',
    );
    return started.pid;
  }

  async inspect(handle: AttemptHandle): Promise<AttemptStatus> {
    const runnerProgress = await readLatestProgress(handle.attemptDir);
    const record = await readAttemptRecord(handle.attemptDir).catch(() => null);
    const entry = this.children.get(handle.attemptDir);

    let ended: ExitInfo | null | undefined;
    if (entry !== undefined) {
      if (entry.exit !== null) ended = entry.exit;
    } else {
      // Re-attached after a restart: spark-submit is not our child, so look at the process table.
      const pid = handle.pid ?? (await readStartedPid(handle.attemptDir));
      if (pid === null || !isRunnerAlive(pid, record?.warmSlotDir ?? handle.attemptDir)) ended = null;
    }

    const checkpoints = await readCheckpointEvents(handle.attemptDir);
    if (ended === undefined) {
      return { kind: 'running', progress: (await this.liveProgress(handle, record, runnerProgress)) ?? runnerProgress, checkpoints };
    }

    this.children.delete(handle.attemptDir);
    this.driverApis.delete(handle.attemptDir);
    if (record?.warmSlotDir !== undefined) await moveSlotEventLog(record.warmSlotDir, handle.attemptDir);
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
    return clusterLoad(await readMasterState(webUrl), isDofcApplicationName);
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

  /**
   * Claim a warm driver for the attempt, or return null for a cold start. The attempt's record
   * is pointed at the driver before the driver learns of the claim, and back at the cold start
   * when no driver was claimed.
   */
  private async claimWarmDriver(pool: SparkWarmPool, handle: AttemptHandle, record: SparkAttemptRecord): Promise<WarmDriverClaim | null> {
    const assignment = {
      attempt_dir: handle.attemptDir,
      checkpoint_dir: record.checkpointDir,
      warehouse_dir: record.warehouseDir,
      claimed_at: new Date().toISOString(),
    };
    const claim = await pool.claim(assignment, (driver) =>
      writeAttemptRecord(handle.attemptDir, { ...record, appName: driver.appName, uiPort: driver.uiPort, warmSlotDir: driver.dir }),
    );
    if (claim === null) await writeAttemptRecord(handle.attemptDir, record);
    return claim;
  }

  private async liveProgress(handle: AttemptHandle, record: SparkAttemptRecord | null, runnerProgress: Progress | null): Promise<Progress | null> {
    let api = this.driverApis.get(handle.attemptDir);
    if (api === undefined) {
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

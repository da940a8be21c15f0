import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AttemptAllocation } from '../executor.js';
import { clusterManagerOf, type SparkSettings } from './spark-settings.js';

/** Per-attempt facts that end up in the application's configuration. */
export interface SparkAttempt {
  jobId: number;
  attempt: number;
  attemptDir: string;
  allocation: AttemptAllocation;
  /** Port for the driver's web UI and monitoring REST API. */
  uiPort: number;
}

/** Folder inside the attempt folder that keeps the application's event log with the job. */
export const EVENT_LOG_DIR = 'spark-events';

/** Prefixes of the names DOFC gives its applications: one per attempt, and one per warm driver. */
const ATTEMPT_APP_PREFIX = 'dofc-job-';
const WARM_APP_PREFIX = 'dofc-warm-';

/** Build the name the application carries on the master, so the executor can find it there. */
export function applicationName(jobId: number, attempt: number): string {
  return `${ATTEMPT_APP_PREFIX}${jobId}-attempt-${attempt}`;
}

/** Build the name of a warm driver's application, which it keeps when a job claims the driver. */
export function warmApplicationName(slotName: string): string {
  return `${WARM_APP_PREFIX}${slotName}`;
}

/** Returns whether DOFC started the application with this name, for an attempt or as a warm driver. */
export function isDofcApplicationName(name: string): boolean {
  return name.startsWith(ATTEMPT_APP_PREFIX) || name.startsWith(WARM_APP_PREFIX);
}

/** The files and UI port of one application: an attempt's, or a warm driver's. */
export interface SparkApplicationPlace {
  appName: string;
  /** Local folder for the event log. */
  eventLogDir: string;
  /** Local folder for spark.sql.warehouse.dir. */
  warehouseDir: string;
  /** URI for spark.checkpoint.dir, or null to leave it unset. */
  checkpointDir: string | null;
  uiPort: number;
}

/** Returns the job's checkpoint URI, shared by all its attempts so a retry resumes from the checkpoints of the one before. */
export function jobCheckpointUri(settings: SparkSettings, jobId: number, attemptDir: string): string {
  if (settings.checkpointRoot !== null) return `${settings.checkpointRoot.replace(/\/+$/, '')}/job-${jobId}`;
  return pathToFileURL(path.join(path.dirname(attemptDir), 'checkpoints')).href;
}

/** Returns the job's warehouse folder. Spark's default, spark-warehouse in the working folder, fails where that folder is read-only. */
export function jobWarehouseDir(attemptDir: string): string {
  return path.join(path.dirname(attemptDir), 'spark-warehouse');
}

/** Build the Spark configuration that turns a job's allocation into the application's ceilings. */
export function sparkConfFor(settings: SparkSettings, attempt: SparkAttempt): Record<string, string> {
  const place: SparkApplicationPlace = {
    appName: applicationName(attempt.jobId, attempt.attempt),
    eventLogDir: path.join(attempt.attemptDir, EVENT_LOG_DIR),
    warehouseDir: jobWarehouseDir(attempt.attemptDir),
    checkpointDir: jobCheckpointUri(settings, attempt.jobId, attempt.attemptDir),
    uiPort: attempt.uiPort,
  };
  return applicationConf(settings, place, attempt.allocation);
}

/** Build the configuration of one application: its ceilings from `allocation`, its files from `place`. */
export function applicationConf(settings: SparkSettings, place: SparkApplicationPlace, allocation: AttemptAllocation): Record<string, string> {
  const manager = clusterManagerOf(settings.master);
  const conf: Record<string, string> = {
    ...settings.extraConf,
    'spark.app.name': place.appName,
    'spark.submit.deployMode': 'client',
    'spark.executor.cores': String(allocation.coresPerExecutor),
    'spark.executor.memory': `${Math.max(1, Math.round(allocation.memPerExecutorGb * 1024))}m`,
    'spark.sql.adaptive.enabled': 'true',
    'spark.sql.adaptive.skewJoin.enabled': 'true',
    'spark.sql.adaptive.coalescePartitions.enabled': 'true',
    'spark.sql.warehouse.dir': pathToFileURL(place.warehouseDir).href,
    'spark.eventLog.enabled': 'true',
    'spark.eventLog.dir': pathToFileURL(place.eventLogDir).href,
    // Plain JSON lines, so the executor can read the final counts after the driver's UI is gone.
    // NOTE: a long job's uncompressed event log can reach hundreds of megabytes.
    'spark.eventLog.compress': 'false',
    'spark.ui.port': String(place.uiPort),
    'spark.log.level': 'WARN',
    'spark.pyspark.python': settings.python,
    'spark.pyspark.driver.python': settings.python,
  };
  if (place.checkpointDir !== null) conf['spark.checkpoint.dir'] = place.checkpointDir;

  if (manager === 'standalone') {
    conf['spark.cores.max'] = String(allocation.maxExecutors * allocation.coresPerExecutor);
  }
  if (settings.dynamicAllocation) {
    conf['spark.dynamicAllocation.enabled'] = 'true';
    conf['spark.dynamicAllocation.maxExecutors'] = String(allocation.maxExecutors);
    // Without an external shuffle service, executors holding shuffle files must not be removed.
    conf['spark.dynamicAllocation.shuffleTracking.enabled'] = 'true';
  } else if (manager === 'yarn' || manager === 'kubernetes') {
    conf['spark.executor.instances'] = String(allocation.maxExecutors);
  }
  if (manager === 'yarn') conf['spark.yarn.queue'] = allocation.pool;
  // NOTE: the pool name is used as the namespace as is; the namespace must exist on the cluster.
  if (manager === 'kubernetes') conf['spark.kubernetes.namespace'] = allocation.pool;
  return conf;
}

/** Build the spark-submit argument vector (no shell involved) that runs `driverFile` with `driverArgs`. */
export function submitArgv(settings: SparkSettings, conf: Record<string, string>, driverFile: string, ...driverArgs: string[]): string[] {
  const argv = ['--master', settings.master, '--name', conf['spark.app.name'] ?? 'dofc'];
  for (const [key, value] of Object.entries(conf)) argv.push('--conf', `${key}=${value}`);
  argv.push(driverFile, ...driverArgs);
  return argv;
}

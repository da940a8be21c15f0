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

/** Build the name the application carries on the master, so the executor can find it there. */
export function applicationName(jobId: number, attempt: number): string {
  return `dofc-job-${jobId}-attempt-${attempt}`;
}

function checkpointDir(settings: SparkSettings, attempt: SparkAttempt): string {
  // Shared by all attempts of a job, so a retry can resume from the checkpoints of the one before.
  if (settings.checkpointRoot !== null) return `${settings.checkpointRoot.replace(/\/+$/, '')}/job-${attempt.jobId}`;
  return pathToFileURL(path.join(path.dirname(attempt.attemptDir), 'checkpoints')).href;
}

/** Build the Spark configuration that turns a job's allocation into the application's ceilings. */
export function sparkConfFor(settings: SparkSettings, attempt: SparkAttempt): Record<string, string> {
  const { allocation } = attempt;
  const manager = clusterManagerOf(settings.master);
  const conf: Record<string, string> = {
    ...settings.extraConf,
    'spark.app.name': applicationName(attempt.jobId, attempt.attempt),
    'spark.submit.deployMode': 'client',
    'spark.executor.cores': String(allocation.coresPerExecutor),
    'spark.executor.memory': `${Math.max(1, Math.round(allocation.memPerExecutorGb * 1024))}m`,
    'spark.sql.adaptive.enabled': 'true',
    'spark.sql.adaptive.skewJoin.enabled': 'true',
    'spark.sql.adaptive.coalescePartitions.enabled': 'true',
    'spark.checkpoint.dir': checkpointDir(settings, attempt),
    // The default, spark-warehouse in the working folder, fails where that folder is read-only.
    'spark.sql.warehouse.dir': pathToFileURL(path.join(path.dirname(attempt.attemptDir), 'spark-warehouse')).href,
    'spark.eventLog.enabled': 'true',
    'spark.eventLog.dir': pathToFileURL(path.join(attempt.attemptDir, EVENT_LOG_DIR)).href,
    // Plain JSON lines, so the executor can read the final counts after the driver's UI is gone.
    // NOTE: a long job's uncompressed event log can reach hundreds of megabytes.
    'spark.eventLog.compress': 'false',
    'spark.ui.port': String(attempt.uiPort),
    'spark.log.level': 'WARN',
    'spark.pyspark.python': settings.python,
    'spark.pyspark.driver.python': settings.python,
  };

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

/** Build the spark-submit argument vector (no shell involved) that runs the attempt's driver entry. */
export function submitArgv(settings: SparkSettings, conf: Record<string, string>, driverFile: string, attemptDir: string): string[] {
  const argv = ['--master', settings.master, '--name', conf['spark.app.name'] ?? 'dofc'];
  for (const [key, value] of Object.entries(conf)) argv.push('--conf', `${key}=${value}`);
  argv.push(driverFile, attemptDir);
  return argv;
}

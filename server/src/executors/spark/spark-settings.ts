import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Settings of the Spark executor: the cluster it submits to and how it launches applications. */
export interface SparkSettings {
  /** Master URL given to spark-submit: spark://host:port, yarn, or k8s://https://host:port. */
  master: string;
  /** Web UI of a standalone master, whose /json/ lists workers and applications; null for other managers. */
  masterWebUrl: string | null;
  /** Spark installation with bin/spark-submit; by default the pyspark package folder. */
  sparkHome: string;
  /** Interpreter for the driver and the executors' Python workers. */
  python: string;
  /** Let Spark add and remove executors up to the job's max_executors instead of holding a fixed set. */
  dynamicAllocation: boolean;
  /**
   * Folder (or URI) under which each job gets a checkpoint directory. Null keeps checkpoints in
   * the job's folder, which workers can read only when they run on this machine.
   */
  checkpointRoot: string | null;
  /**
   * Further Spark properties for every application, such as spark.driver.host for a remote
   * cluster. DOFC's own ceilings and settings override a property of the same name.
   */
  extraConf: Record<string, string>;
}

export type ClusterManager = 'standalone' | 'yarn' | 'kubernetes' | 'local';

export function clusterManagerOf(master: string): ClusterManager {
  if (master.startsWith('spark://')) return 'standalone';
  if (master === 'yarn') return 'yarn';
  if (master.startsWith('k8s://')) return 'kubernetes';
  return 'local';
}

/** Find the pyspark package folder in the virtual environment of `python`, without running it. */
function pysparkHomeBeside(python: string): string | null {
  const lib = path.join(path.dirname(path.dirname(python)), 'lib');
  const versions = existsSync(lib) ? readdirSync(lib).filter((name) => name.startsWith('python3')) : [];
  for (const version of versions) {
    const candidate = path.join(lib, version, 'site-packages', 'pyspark');
    if (existsSync(path.join(candidate, 'bin', 'spark-submit'))) return candidate;
  }
  return null;
}

/**
 * Read the Spark settings: DOFC_SPARK_MASTER (default spark://127.0.0.1:7077), DOFC_SPARK_MASTER_UI
 * (default http://<master host>:8080 for a standalone master), DOFC_SPARK_HOME (default: pyspark in
 * the venv of `python`), DOFC_SPARK_DYNAMIC_ALLOCATION (true or false), DOFC_SPARK_CHECKPOINT_ROOT and
 * DOFC_SPARK_CONF (a JSON object of further Spark properties).
 */
export function loadSparkSettings(env: NodeJS.ProcessEnv, python: string): SparkSettings {
  const master = env['DOFC_SPARK_MASTER'] || 'spark://127.0.0.1:7077';
  const sparkHome = env['DOFC_SPARK_HOME'] || pysparkHomeBeside(python);
  if (!sparkHome) {
    throw new Error(
      `DOFC_SPARK_HOME is not set and ${python} has no pyspark package with bin/spark-submit; install pyspark into that environment or set DOFC_SPARK_HOME to a Spark installation.`,
    );
  }

  let masterWebUrl = env['DOFC_SPARK_MASTER_UI'] || null;
  if (masterWebUrl === null && clusterManagerOf(master) === 'standalone') {
    // A standalone master URL may list several masters for failover; the first one is asked.
    const host = master.slice('spark://'.length).split(',')[0]?.split(':')[0] ?? '127.0.0.1';
    masterWebUrl = `http://${host}:8080`;
  }

  const dynamic = env['DOFC_SPARK_DYNAMIC_ALLOCATION'] ?? 'false';
  if (dynamic !== 'true' && dynamic !== 'false') {
    throw new Error(`DOFC_SPARK_DYNAMIC_ALLOCATION=${JSON.stringify(dynamic)} is invalid: set it to true or false.`);
  }

  return {
    master,
    masterWebUrl: masterWebUrl?.replace(/\/+$/, '') ?? null,
    sparkHome: path.resolve(sparkHome),
    python,
    dynamicAllocation: dynamic === 'true',
    checkpointRoot: env['DOFC_SPARK_CHECKPOINT_ROOT'] || null,
    extraConf: parseExtraConf(env['DOFC_SPARK_CONF']),
  };
}

function parseExtraConf(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  const invalid = `DOFC_SPARK_CONF=${JSON.stringify(raw)} is invalid: set it to a JSON object of Spark properties, such as {"spark.driver.host":"10.0.0.5"}.`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(invalid);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(invalid);
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

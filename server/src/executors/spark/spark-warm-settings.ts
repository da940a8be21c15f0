import type { AttemptAllocation } from '../executor.js';

/** Settings of the warm Spark drivers that Light notebooks start on. */
export interface SparkWarmSettings {
  /** Drivers kept started and waiting, each with its SparkSession; 0 turns the pool off. */
  drivers: number;
  /**
   * The ceiling every warm driver's application is started with. Spark fixes it when the
   * application starts, so only jobs that request exactly this allocation use a warm driver.
   */
  allocation: Omit<AttemptAllocation, 'pool'>;
}

/** Each waiting driver is a JVM, a Python driver and a kernel on the scheduler's machine: 580 MB resident, measured with pyspark 4.3. */
const MAX_WARM_DRIVERS = 8;

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a whole number from ${min} to ${max}, or unset it.`);
  }
  return value;
}

/**
 * Read DOFC_SPARK_WARM_DRIVERS (drivers kept waiting, default 1, 0 turns the pool off) and the
 * warm drivers' allocation: DOFC_SPARK_WARM_MAX_EXECUTORS, DOFC_SPARK_WARM_CORES_PER_EXECUTOR and
 * DOFC_SPARK_WARM_MEM_PER_EXECUTOR_GB. Their defaults (1, 1 and 2) are the JobSpec's, so a Light
 * job that states no resources fits a warm driver.
 */
export function loadSparkWarmSettings(env: NodeJS.ProcessEnv): SparkWarmSettings {
  const rawMemory = env['DOFC_SPARK_WARM_MEM_PER_EXECUTOR_GB'];
  const memPerExecutorGb = rawMemory === undefined || rawMemory === '' ? 2 : Number(rawMemory);
  if (!Number.isFinite(memPerExecutorGb) || memPerExecutorGb < 0.125) {
    throw new Error(`DOFC_SPARK_WARM_MEM_PER_EXECUTOR_GB=${JSON.stringify(rawMemory)} is invalid: set it to a number of GiB of at least 0.125, or unset it.`);
  }
  return {
    drivers: wholeNumber(env, 'DOFC_SPARK_WARM_DRIVERS', 1, 0, MAX_WARM_DRIVERS),
    allocation: {
      maxExecutors: wholeNumber(env, 'DOFC_SPARK_WARM_MAX_EXECUTORS', 1, 1, 1000),
      coresPerExecutor: wholeNumber(env, 'DOFC_SPARK_WARM_CORES_PER_EXECUTOR', 1, 1, 256),
      memPerExecutorGb,
    },
  };
}

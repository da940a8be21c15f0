import { type JsonObject, stringField } from './json-fields.js';
import type { ExecutorCeiling, SparkConfigSummary } from './types.js';

export function readSparkConfig(properties: JsonObject): SparkConfigSummary {
  const read = (key: string): string | null => stringField(properties, key) ?? null;
  return {
    master: read('spark.master'),
    executorMemory: read('spark.executor.memory'),
    executorCores: read('spark.executor.cores'),
    driverMemory: read('spark.driver.memory'),
    dynamicAllocationEnabled: read('spark.dynamicAllocation.enabled')?.trim().toLowerCase() === 'true',
    dynamicAllocationMaxExecutors: read('spark.dynamicAllocation.maxExecutors'),
    dynamicAllocationIdleTimeout: read('spark.dynamicAllocation.executorIdleTimeout'),
    executorInstances: read('spark.executor.instances'),
    sqlShufflePartitions: read('spark.sql.shuffle.partitions'),
  };
}

/** True for local[*] and its variants, where the driver JVM runs the tasks and spark.driver.memory sizes it. */
export function isLocalMaster(config: SparkConfigSummary): boolean {
  return config.master?.startsWith('local') ?? false;
}

/**
 * Picks the executor ceiling: the caller's value first, then spark.dynamicAllocation.maxExecutors
 * under dynamic allocation, then spark.executor.instances without it. Local mode has none.
 */
export function resolveExecutorCeiling(
  config: SparkConfigSummary,
  maxExecutors: number | undefined,
): Pick<ExecutorCeiling, 'maxExecutors' | 'source'> | null {
  if (maxExecutors !== undefined) {
    return { maxExecutors, source: 'option' };
  }
  if (isLocalMaster(config)) {
    return null;
  }
  if (config.dynamicAllocationEnabled) {
    const value = parsePositiveInteger(config.dynamicAllocationMaxExecutors);
    return value === null ? null : { maxExecutors: value, source: 'spark.dynamicAllocation.maxExecutors' };
  }
  const value = parsePositiveInteger(config.executorInstances);
  return value === null ? null : { maxExecutors: value, source: 'spark.executor.instances' };
}

/** Spark's default maxExecutors is Int.MaxValue, which is no ceiling at all, so only values below it count. */
function parsePositiveInteger(text: string | null): number | null {
  if (text === null || !/^\s*\d+\s*$/.test(text)) {
    return null;
  }
  const value = Number(text);
  return value > 0 && value < 2 ** 31 - 1 ? value : null;
}

import { isLocalMaster } from '../spark-config.js';
import type { SparkConfigSummary } from '../types.js';

/** Names a Spark property with its value from the log, such as "spark.executor.memory, now 20g". */
export function describeSetting(name: string, value: string | null): string {
  return value === null ? name : `${name}, now ${value}`;
}

/** Names the memory property that sizes the JVMs running tasks, which in local mode is the driver's. */
export function describeTaskMemorySetting(config: SparkConfigSummary): string {
  return isLocalMaster(config)
    ? describeSetting('spark.driver.memory', config.driverMemory)
    : describeSetting('spark.executor.memory', config.executorMemory);
}

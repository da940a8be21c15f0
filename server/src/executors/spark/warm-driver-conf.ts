import path from 'node:path';
import type { AttemptAllocation } from '../executor.js';
import { applicationConf, EVENT_LOG_DIR, warmApplicationName, type SparkApplicationPlace } from './spark-conf.js';
import type { SparkSettings } from './spark-settings.js';

/** One warm driver's folder, name and UI port. */
export interface WarmDriverPlace {
  name: string;
  dir: string;
  uiPort: number;
}

/** The warm driver's warehouse folder, which the driver links to the job's folder when it is claimed (dofc/spark/warm_slot.py). */
export const WARM_WAREHOUSE_LINK = 'spark-warehouse';

/**
 * Build a warm driver's configuration: a cold Interactive attempt's ceilings, AQE and event log
 * settings, in the driver's own folder. Dynamic allocation is on, with a minimum and initial count
 * of 0 executors, whatever DOFC_SPARK_DYNAMIC_ALLOCATION is set to, so a driver waiting for a job
 * takes no cores on the cluster. Shuffle tracking keeps executors that hold shuffle files. The checkpoint
 * folder is left unset here because the driver sets the job's when it is claimed.
 *
 * NOTE: warm drivers were tested on a standalone master only, not on YARN or Kubernetes.
 */
export function warmDriverConf(settings: SparkSettings, driver: WarmDriverPlace, allocation: Omit<AttemptAllocation, 'pool'>): Record<string, string> {
  const place: SparkApplicationPlace = {
    appName: warmApplicationName(driver.name),
    eventLogDir: path.join(driver.dir, EVENT_LOG_DIR),
    warehouseDir: path.join(driver.dir, WARM_WAREHOUSE_LINK),
    checkpointDir: null,
    uiPort: driver.uiPort,
  };
  const conf = applicationConf({ ...settings, dynamicAllocation: true }, place, { ...allocation, pool: 'interactive' });
  conf['spark.dynamicAllocation.minExecutors'] = '0';
  conf['spark.dynamicAllocation.initialExecutors'] = '0';
  return conf;
}

import type { Knex } from 'knex';
import type { Executor } from '../executors/executor.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../observe/metrics.js';
import type { Resources } from '../policy/types.js';

/** What the routes may use. Routes read and change jobs; they never start or stop processes. */
export interface ApiServices {
  db: Knex;
  capacity: Resources;
  /** Used only to find the log and output files of an attempt. */
  executor: Pick<Executor, 'logPath' | 'outputPath'>;
  logger: Logger;
  /** This service's Prometheus registry, shared with the scheduler. */
  metrics: ServiceMetrics;
  now: () => Date;
  /** Called after a change the scheduler should act on soon (a submit or a cancel). */
  onJobsChanged: () => void;
  version: string;
}

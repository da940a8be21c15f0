import type { Knex } from 'knex';
import type { Authenticator } from '../auth/authenticator.js';
import type { Executor } from '../executors/executor.js';
import type { HotSetStats } from '../cache/hot-set-cache.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../observe/metrics.js';
import type { Resources } from '../policy/types.js';
import type { RateLimitSettings } from './rate-limit.js';
import type { CellLatencySettings } from '../scheduler/cell-latency.js';
import type { SchedulerRole } from '../scheduler/leader.js';
import type { CapacitySource } from '../scheduler/capacity-source.js';
import type { PolicySource } from '../scheduler/policy-source.js';

/** What the routes may use. Routes read and change jobs; they never start or stop processes. */
export interface ApiServices {
  db: Knex;
  /** Turns a request's credential into the caller's identity. */
  authenticator: Authenticator;
  capacity: Resources;
  /** Capacity read from the cluster (Spark); pre-flight plans with `capacity` without it. */
  capacitySource?: CapacitySource;
  /** The scheduler's policy. Pre-flight runs its decision for a planned start and applies nothing. */
  policy: PolicySource;
  /** Used only to find the log and output files of an attempt. */
  executor: Pick<Executor, 'logPath' | 'outputPath'>;
  logger: Logger;
  /** This service's Prometheus registry, shared with the scheduler. */
  metrics: ServiceMetrics;
  now: () => Date;
  /** Called after a change the scheduler should act on soon (a submit or a cancel). */
  onJobsChanged: () => void;
  version: string;
  /** Each user's submission rate limit; DEFAULT_SUBMIT_RATE_LIMIT when absent. */
  submitRateLimit?: RateLimitSettings;
  /** Window and minimum sample count of the cell-latency p95 in /ops/live; the defaults when absent. */
  cellLatency?: CellLatencySettings;
  /** This replica's part in scheduling, reported by /health; absent where no scheduler runs. */
  schedulerRole?: () => SchedulerRole;
  /** The hot-set cache whose hit rate /ops/live shows; absent when the cache is off. */
  hotSet?: { stats(): HotSetStats };
}

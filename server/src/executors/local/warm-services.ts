import path from 'node:path';
import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import { HotSetCache } from '../../cache/hot-set-cache.js';
import { registerHotSetMetrics } from '../../cache/hot-set-metrics.js';
import type { HotSetSettings } from '../../cache/hot-set-settings.js';
import type { Logger } from '../../logger.js';
import { registerWarmKernelMetrics } from './warm-kernel-metrics.js';
import { WarmKernelPool } from './warm-kernel-pool.js';
import type { WarmKernelSettings } from './warm-settings.js';
import type { WarmLaunchOptions } from './warm-spec.js';

export interface WarmServicesConfig {
  dataDir: string;
  python: string;
  warmKernels: WarmKernelSettings;
  hotSet: HotSetSettings;
  /** Both serve the local executor only: the pool starts local kernels, and the cache is on this machine. */
  executor: 'local' | 'spark';
}

/** The warm kernel pool and the hot-set cache of one service, with their metrics registered. */
export interface WarmServices {
  /** Folders for the local executor's spec.json. */
  launch: WarmLaunchOptions;
  hotSet: HotSetCache | null;
  /** Start the pool process and the cache refreshes; call once the service owns its port. */
  start(): void;
  close(): Promise<void>;
}

/**
 * Build the warm kernel pool (`<dataDir>/warm-kernels`) and the hot-set cache (`<dataDir>/cache`)
 * that the settings enable, and register their metrics. Nothing runs until `start`.
 *
 * NOTE: both run in every replica that starts, including a PostgreSQL follower that schedules
 * nothing; a follower's pool keeps idle kernels running until it is elected.
 */
export function createWarmServices(config: WarmServicesConfig, db: Knex, registry: Registry, logger: Logger): WarmServices {
  let pool: WarmKernelPool | null = null;
  if (config.executor === 'local' && config.warmKernels.size > 0) {
    pool = new WarmKernelPool({ python: config.python, dir: path.join(config.dataDir, 'warm-kernels'), settings: config.warmKernels, logger });
    registerWarmKernelMetrics(registry, pool);
  }

  let hotSet: HotSetCache | null = null;
  // Spark executors on other machines cannot read a cache on this one.
  if (config.executor === 'local' && config.hotSet.maxBytes > 0) {
    hotSet = new HotSetCache({ db, dir: path.join(config.dataDir, 'cache'), settings: config.hotSet, logger });
    registerHotSetMetrics(registry, hotSet);
  }

  return {
    launch: { warmKernelPoolDir: pool?.dir ?? null, hotSetDir: hotSet?.dir ?? null },
    hotSet,
    start() {
      pool?.start();
      hotSet?.start();
    },
    async close() {
      await Promise.all([pool?.stop(), hotSet?.stop()]);
    },
  };
}

import { Counter, Gauge, type Registry } from 'prom-client';
import type { SparkWarmPool } from './spark-warm-pool.js';

/**
 * Register the warm Spark driver pool's size and use: drivers starting, ready and in use, and
 * how many eligible attempts got a warm driver or started cold because none was ready.
 */
export function registerSparkWarmMetrics(registry: Registry, pool: SparkWarmPool): void {
  const registers = [registry];
  new Gauge({
    name: 'dofc_spark_warm_drivers_configured',
    help: 'Spark drivers the warm pool keeps started for Light notebooks (DOFC_SPARK_WARM_DRIVERS).',
    registers,
    collect() {
      this.set(pool.size);
    },
  });
  new Gauge({
    name: 'dofc_spark_warm_drivers',
    help: 'Warm Spark drivers by state: starting, ready (session created, waiting) or in_use (claimed by a running attempt).',
    labelNames: ['state'],
    registers,
    collect() {
      const status = pool.status();
      this.set({ state: 'starting' }, status.starting);
      this.set({ state: 'ready' }, status.ready);
      this.set({ state: 'in_use' }, status.inUse);
    },
  });

  const counted = { warm: 0, cold: 0 };
  new Counter({
    name: 'dofc_spark_warm_driver_claims_total',
    help: 'Attempts that fit a warm Spark driver, by start: warm (took a waiting driver) or cold (none was ready).',
    labelNames: ['result'],
    registers,
    collect() {
      this.inc({ result: 'warm' }, pool.claims.warm - counted.warm);
      this.inc({ result: 'cold' }, pool.claims.cold - counted.cold);
      Object.assign(counted, pool.claims);
    },
  });
}

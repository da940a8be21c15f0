import { Gauge, type Registry } from 'prom-client';
import type { Resources } from '../policy/types.js';
import type { ClusterCapacitySource } from './capacity-source.js';

/**
 * Register gauges of the capacity the scheduler plans with. With a cluster source they show the
 * reading taken at the scheduler's last decision, with the foreign load and the alive workers.
 * Without one they show the configured capacity.
 */
export function registerCapacityMetrics(registry: Registry, configured: Resources, source: ClusterCapacitySource | null): void {
  const registers = [registry];
  const reading = () => source?.lastReading() ?? null;

  new Gauge({
    name: 'dofc_capacity_cores',
    help: 'Cores the scheduler plans with: the configured capacity, or the alive Spark workers minus foreign applications.',
    registers,
    collect() {
      this.set(reading()?.capacity.cores ?? configured.cores);
    },
  });
  new Gauge({
    name: 'dofc_capacity_memory_gb',
    help: 'Memory in GB the scheduler plans with, measured like dofc_capacity_cores.',
    registers,
    collect() {
      this.set(reading()?.capacity.memGb ?? configured.memGb);
    },
  });
  if (source === null) return;

  new Gauge({
    name: 'dofc_cluster_alive_workers',
    help: 'Workers the Spark master lists as ALIVE at the last reading.',
    registers,
    collect() {
      this.set(reading()?.aliveWorkers ?? 0);
    },
  });
  new Gauge({
    name: 'dofc_cluster_foreign_cores',
    help: 'Cores held by applications that DOFC did not start, taken off the capacity as load.',
    registers,
    collect() {
      this.set(reading()?.foreign.cores ?? 0);
    },
  });
}

import { Counter, Gauge, type Registry } from 'prom-client';
import type { WarmClaimCounts, WarmKernelPool } from './warm-kernel-pool.js';

/**
 * Register the warm kernel pool's size and use: kernels ready and in use (from the pool's
 * status file) and how many eligible attempts got a warm kernel or started a cold one.
 */
export function registerWarmKernelMetrics(registry: Registry, pool: WarmKernelPool): void {
  const registers = [registry];
  new Gauge({
    name: 'dofc_warm_kernels_configured',
    help: 'Kernels the warm pool keeps started for Light jobs (DOFC_WARM_KERNELS).',
    registers,
    collect() {
      this.set(pool.size);
    },
  });
  new Gauge({
    name: 'dofc_warm_kernels',
    help: 'Warm kernels by state: ready (started and waiting) or in_use (claimed by a running attempt).',
    labelNames: ['state'],
    registers,
    async collect() {
      const status = await pool.readStatus();
      this.set({ state: 'ready' }, status?.ready ?? 0);
      this.set({ state: 'in_use' }, status?.in_use ?? 0);
    },
  });

  const counted: WarmClaimCounts = { warm: 0, cold: 0 };
  new Counter({
    name: 'dofc_warm_kernel_claims_total',
    help: 'Interactive-pool attempts by kernel start: warm (took a waiting kernel) or cold (none was ready).',
    labelNames: ['result'],
    registers,
    async collect() {
      const claims = await pool.readClaims();
      this.inc({ result: 'warm' }, claims.warm - counted.warm);
      this.inc({ result: 'cold' }, claims.cold - counted.cold);
      Object.assign(counted, claims);
    },
  });
}

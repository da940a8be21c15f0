import type { Logger } from '../../logger.js';
import type { Resources } from '../../policy/types.js';
import { ClusterCapacitySource } from '../../scheduler/capacity-source.js';
import type { ClusterLoad } from './master-client.js';

/** The master is asked at most this often; jobs start and end on a scale of seconds. */
const MASTER_READ_INTERVAL_MS = 2_000;

/**
 * Build the scheduler's capacity from a standalone master: the alive workers' cores and memory
 * minus what applications started outside DOFC hold. Foreign applications are taken off the
 * capacity rather than added as running jobs, because the policy could otherwise choose them
 * for preemption or charge them to a DOFC user's fair share.
 */
export function sparkCapacitySource(
  readClusterLoad: () => Promise<ClusterLoad | null>,
  configured: Resources,
  logger: Logger,
): ClusterCapacitySource {
  return new ClusterCapacitySource({
    fallback: configured,
    maxAgeMs: MASTER_READ_INTERVAL_MS,
    logger: logger.child({ capacity: 'spark-master' }),
    read: async () => {
      const load = await readClusterLoad();
      if (load === null) return null;
      return {
        capacity: load.available,
        total: { cores: load.totalCores, memGb: load.totalMemGb },
        foreign: { cores: load.foreignCores, memGb: load.foreignMemGb },
        aliveWorkers: load.aliveWorkers,
      };
    },
  });
}

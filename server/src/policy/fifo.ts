import type { PoolName } from '../contract/job-spec.js';
import type { Decision, Policy, PolicyJob, PolicySnapshot, Resources } from './types.js';

/** The share of the capacity each pool may hold under the FIFO policy. */
export type PoolShares = Record<PoolName, number>;

export const DEFAULT_POOL_SHARES: PoolShares = { interactive: 0.3, heavy: 0.7 };

/**
 * First come, first served within each pool, with each pool held to its share of cores and
 * memory. A job waits behind the pool's head even when it would fit, so no job is overtaken.
 */
export function fifoPolicy(shares: PoolShares = DEFAULT_POOL_SHARES): Policy {
  return {
    name: 'fifo',
    decide: (snapshot) => decideFifo(snapshot, shares),
  };
}

function decideFifo(snapshot: PolicySnapshot, shares: PoolShares): Decision[] {
  const decisions: Decision[] = [];
  const pools = Object.keys(shares) as PoolName[];
  const machineUsed = sumDemand(snapshot.running);

  for (const pool of pools) {
    const limit = poolLimit(snapshot.capacity, shares[pool]);
    const used = sumDemand(snapshot.running.filter((job) => job.pool === pool));
    const waiting = snapshot.queued
      .filter((job) => job.pool === pool)
      .sort((a, b) => a.submittedAt - b.submittedAt || a.id - b.id);

    let blocked = false;
    let position = 0;
    for (const job of waiting) {
      if (job.notBefore !== null && job.notBefore > snapshot.now) {
        decisions.push({
          kind: 'wait',
          jobId: job.id,
          position: 0,
          plannedStart: job.notBefore,
          reason: {
            code: 'not_before',
            message: `Waits for its requested start at ${new Date(job.notBefore).toISOString()}.`,
          },
        });
        continue;
      }

      if (!blocked && fits(used, job.demand, limit) && fits(machineUsed, job.demand, snapshot.capacity, false)) {
        used.cores += job.demand.cores;
        used.memGb += job.demand.memGb;
        machineUsed.cores += job.demand.cores;
        machineUsed.memGb += job.demand.memGb;
        decisions.push({
          kind: 'start',
          jobId: job.id,
          reason: { code: 'capacity_available', message: `Started: the ${pool} pool had room.` },
        });
        continue;
      }

      blocked = true;
      position += 1;
      decisions.push({
        kind: 'wait',
        jobId: job.id,
        position,
        plannedStart: null,
        reason: waitReason(pool, position, job),
      });
    }
  }
  return decisions;
}

/**
 * The most a pool may hold. A pool always fits at least one core, so a small machine can run
 * a one-core job in every pool.
 */
function poolLimit(capacity: Resources, share: number): Resources {
  return {
    cores: Math.min(capacity.cores, Math.max(1, capacity.cores * share)),
    memGb: capacity.memGb * share,
  };
}

function fits(used: Resources, demand: Resources, limit: Resources, admitWhenEmpty = true): boolean {
  const empty = used.cores === 0 && used.memGb === 0;
  // An empty pool admits a job larger than its share, so it cannot wait forever; the machine check still applies.
  if (empty && admitWhenEmpty) return true;
  return used.cores + demand.cores <= limit.cores + 1e-9 && used.memGb + demand.memGb <= limit.memGb + 1e-9;
}

function sumDemand(jobs: ReadonlyArray<Pick<PolicyJob, 'demand'>>): Resources {
  return jobs.reduce(
    (total, job) => ({ cores: total.cores + job.demand.cores, memGb: total.memGb + job.demand.memGb }),
    { cores: 0, memGb: 0 },
  );
}

function waitReason(pool: PoolName, position: number, job: PolicyJob): { code: string; message: string } {
  if (position === 1) {
    return {
      code: 'pool_full',
      message: `The ${pool} pool is full; job ${job.id} is next and starts when a running job ends.`,
    };
  }
  return { code: 'queued_behind', message: `Position ${position} in the ${pool} pool.` };
}

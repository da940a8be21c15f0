import type { Knex } from 'knex';
import { POOLS } from '../../contract/job-spec.js';
import type { Resources } from '../../policy/types.js';
import type { JobRow } from '../../store/job-rows.js';

/** A snapshot of the cluster for operators, computed from the store on each request. */
export interface LiveOps {
  at: string;
  capacity: { cores: number; mem_gb: number };
  /** Cores and memory held by jobs that are starting or running, over all pools. */
  in_use: { cores: number; mem_gb: number };
  pools: PoolLive[];
  users: UserUsage[];
}

export interface PoolLive {
  pool: string;
  /** Pools share the machine's capacity, so each pool's use is measured against all of it. */
  in_use: { cores: number; mem_gb: number };
  running: number;
  queue_length: number;
  /** Queued jobs in the scheduler's order: by its last recorded position, then by submission. */
  queue: QueuedJob[];
}

export interface QueuedJob {
  job_id: number;
  owner: string;
  priority: string;
  position: number | null;
  cores: number;
  mem_gb: number;
  submitted_at: string;
  waiting_s: number;
  planned_start: string | null;
  reason: string | null;
}

export interface UserUsage {
  owner: string;
  running: number;
  queued: number;
  cores: number;
  mem_gb: number;
  /** The larger of the user's core share and memory share of the capacity (dominant resource fairness). */
  dominant_share: number;
}

/** Read the live view: use against capacity per pool, the queues in order and per-user use. */
export async function readLiveOps(db: Knex, capacity: Resources, now: Date): Promise<LiveOps> {
  const rows = await db<JobRow>('jobs')
    .whereIn('state', ['queued', 'starting', 'running'])
    .orderByRaw('position asc nulls last')
    .orderBy('id');
  const active = rows.filter((row) => row.state !== 'queued');
  const queued = rows.filter((row) => row.state === 'queued');

  return {
    at: now.toISOString(),
    capacity: { cores: capacity.cores, mem_gb: capacity.memGb },
    in_use: sumDemand(active),
    pools: POOLS.map((pool) => {
      const waiting = queued.filter((row) => row.pool === pool);
      return {
        pool,
        in_use: sumDemand(active.filter((row) => row.pool === pool)),
        running: active.filter((row) => row.pool === pool).length,
        queue_length: waiting.length,
        queue: waiting.map((row) => toQueuedJob(row, now)),
      };
    }),
    users: usageByUser(active, queued, capacity),
  };
}

function sumDemand(rows: JobRow[]): { cores: number; mem_gb: number } {
  return rows.reduce((sum, row) => ({ cores: sum.cores + row.cores, mem_gb: sum.mem_gb + row.mem_gb }), { cores: 0, mem_gb: 0 });
}

function toQueuedJob(row: JobRow, now: Date): QueuedJob {
  const submitted = new Date(row.submitted_at);
  return {
    job_id: row.id,
    owner: row.owner,
    priority: row.priority,
    position: row.position,
    cores: row.cores,
    mem_gb: row.mem_gb,
    submitted_at: submitted.toISOString(),
    waiting_s: Math.max(0, Math.round((now.getTime() - submitted.getTime()) / 1000)),
    planned_start: row.planned_start === null ? null : new Date(row.planned_start).toISOString(),
    reason: row.reason_message,
  };
}

function usageByUser(active: JobRow[], queued: JobRow[], capacity: Resources): UserUsage[] {
  const users = new Map<string, UserUsage>();
  const entry = (owner: string): UserUsage => {
    let user = users.get(owner);
    if (user === undefined) {
      user = { owner, running: 0, queued: 0, cores: 0, mem_gb: 0, dominant_share: 0 };
      users.set(owner, user);
    }
    return user;
  };

  for (const row of active) {
    const user = entry(row.owner);
    user.running += 1;
    user.cores += row.cores;
    user.mem_gb += row.mem_gb;
  }
  for (const row of queued) entry(row.owner).queued += 1;

  for (const user of users.values()) {
    const share = Math.max(user.cores / capacity.cores, user.mem_gb / capacity.memGb);
    user.dominant_share = Math.round(share * 10_000) / 10_000;
  }
  return [...users.values()].sort((a, b) => b.dominant_share - a.dominant_share || a.owner.localeCompare(b.owner));
}

import type { Knex } from 'knex';
import type { DofcPolicyConfig } from '../../policy/config.js';
import { preemptionCandidates } from '../../policy/preemption.js';
import type { Resources } from '../../policy/types.js';
import { loadSnapshot } from '../../scheduler/snapshot.js';
import type { HeldInterval } from './usage-history.js';
import { QUEUE_WAIT_WINDOW_S, type QueueWait } from './slo-signals.js';

/** The heavy job that a sustained interactive breach would pause first, if any may be paused now. */
export interface PauseCandidate {
  job_id: number;
  owner: string;
  priority: string;
  cores: number;
  mem_gb: number;
}

/** Load every attempt that held resources at some point after `since`, with its job's demand. */
export async function loadHeldIntervals(db: Knex, since: Date): Promise<HeldInterval[]> {
  const rows: Array<{ pool: string; cores: number; mem_gb: number; claimed_at: Date; ended_at: Date | null }> = await db('job_attempts as a')
    .join('jobs as j', 'j.id', 'a.job_id')
    .where((query) => query.whereNull('a.ended_at').orWhere('a.ended_at', '>', since))
    .select('j.pool', 'j.cores', 'j.mem_gb', 'a.claimed_at', 'a.ended_at');
  return rows.map((row) => ({
    pool: row.pool,
    cores: row.cores,
    memGb: row.mem_gb,
    from: new Date(row.claimed_at).getTime(),
    to: row.ended_at === null ? null : new Date(row.ended_at).getTime(),
  }));
}

/**
 * Load the queue waits of interactive jobs that are queued now or started in the last
 * `QUEUE_WAIT_WINDOW_S`. A wait starts at the job's last move to `queued`, so pre-flight time
 * does not count as waiting.
 */
export async function loadInteractiveWaits(db: Knex, now: Date): Promise<QueueWait[]> {
  const since = new Date(now.getTime() - QUEUE_WAIT_WINDOW_S * 1000);
  const rows: Array<{ queued_at: Date | null; started_at: Date | null; state: string }> = await db('jobs as j')
    .where('j.pool', 'interactive')
    .andWhere((query) => query.where('j.state', 'queued').orWhere('j.started_at', '>', since))
    .select(
      'j.state',
      'j.started_at',
      db('job_events as e').where('e.job_id', db.ref('j.id')).andWhere('e.to_state', 'queued').max('e.at').as('queued_at'),
    );
  return rows
    .filter((row) => row.queued_at !== null)
    .map((row) => ({
      queuedAt: new Date(row.queued_at as Date).getTime(),
      startedAt: row.state === 'queued' || row.started_at === null ? null : new Date(row.started_at).getTime(),
    }));
}

/** Find the job the preemption rules would pause first, with the same candidate order as the scheduler. */
export async function findPauseCandidate(
  db: Knex,
  capacity: Resources,
  now: Date,
  config: Pick<DofcPolicyConfig, 'preemption'>,
): Promise<PauseCandidate | null> {
  const { snapshot } = await loadSnapshot(db, capacity, now, null);
  const first = preemptionCandidates(snapshot.running, now.getTime(), config)[0];
  if (first === undefined) return null;
  return { job_id: first.id, owner: first.owner, priority: first.priority, cores: first.demand.cores, mem_gb: first.demand.memGb };
}

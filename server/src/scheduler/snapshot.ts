import type { Knex } from 'knex';
import type { PausedPolicyJob, PolicyJob, PolicySnapshot, Resources, RunningPolicyJob } from '../policy/types.js';
import type { JobRow } from '../store/job-rows.js';
import { listReservations, toPolicyReservation } from '../store/policy-settings.js';
import type { CapacitySource } from './capacity-source.js';
import { loadUsage } from './usage.js';

function toPolicyJob(row: JobRow): PolicyJob {
  return {
    id: row.id,
    owner: row.owner,
    team: row.team,
    label: row.label,
    pool: row.pool,
    priority: row.priority,
    demand: { cores: row.cores, memGb: row.mem_gb },
    submittedAt: new Date(row.submitted_at).getTime(),
    notBefore: row.not_before === null ? null : new Date(row.not_before).getTime(),
    deadline: row.spec.deadline === undefined ? null : Date.parse(row.spec.deadline),
    etaP50S: row.spec.eta_p50_s ?? null,
    etaP90S: row.spec.eta_p90_s ?? null,
    timeoutS: row.spec.timeout_s ?? null,
    criticalApproved: row.critical_approved_at !== null,
    preemptions: row.preemptions,
    lastPausedAt: row.last_paused_at === null ? null : new Date(row.last_paused_at).getTime(),
    ranS: row.ran_s,
  };
}

export interface LoadedSnapshot {
  snapshot: PolicySnapshot;
  /** Queued and paused jobs, the ones a start, resume or wait decision names. */
  queuedRows: Map<number, JobRow>;
}

/**
 * Read what the policy needs: the capacity (fixed, or read from the cluster through `capacity`),
 * the queue, every job that uses capacity, the reservations that have not ended and, when
 * `halfLifeS` is given, each user's decayed past usage.
 */
export async function loadSnapshot(
  db: Knex,
  capacity: Resources | CapacitySource,
  now: Date,
  halfLifeS: number | null,
): Promise<LoadedSnapshot> {
  const rows = await db<JobRow>('jobs').whereIn('state', ['queued', 'paused', 'starting', 'running']).orderBy('id');
  const queuedRows = new Map<number, JobRow>();
  const queued: PolicyJob[] = [];
  const running: RunningPolicyJob[] = [];
  const paused: PausedPolicyJob[] = [];

  for (const row of rows) {
    if (row.state === 'queued') {
      queuedRows.set(row.id, row);
      queued.push(toPolicyJob(row));
      continue;
    }
    if (row.state === 'paused') {
      queuedRows.set(row.id, row);
      paused.push(toPausedPolicyJob(row));
      continue;
    }
    const startedAt = row.started_at ?? row.updated_at;
    running.push({ ...toPolicyJob(row), startedAt: new Date(startedAt).getTime() });
  }
  const reservations = (await listReservations(db, now)).map(toPolicyReservation);
  const usage = halfLifeS === null ? [] : await loadUsage(db, now, halfLifeS);
  const current = 'current' in capacity ? await capacity.current() : capacity;
  return { snapshot: { now: now.getTime(), capacity: current, running, queued, paused, reservations, usage }, queuedRows };
}

function toPausedPolicyJob(row: JobRow): PausedPolicyJob {
  const pausedAt = new Date(row.last_paused_at ?? row.updated_at).getTime();
  return { ...toPolicyJob(row), startedAt: new Date(row.started_at ?? row.updated_at).getTime(), pausedAt };
}

import type { Knex } from 'knex';
import { POOLS } from '../../contract/job-spec.js';
import { BusinessCalendar } from '../../policy/calendar.js';
import { validatePolicyConfig } from '../../policy/config.js';
import type { Resources } from '../../policy/types.js';
import type { JobRow } from '../../store/job-rows.js';
import { DEFAULT_CELL_LATENCY, readCellLatencyP95, type CellLatencySettings } from '../../scheduler/cell-latency.js';
import { loadPolicySettings } from '../../store/policy-settings.js';
import { fairShares } from './fair-share-view.js';
import { findPauseCandidate, loadHeldIntervals, loadInteractiveWaits, type PauseCandidate } from './live-ops-history.js';
import { percentile95, QUEUE_WAIT_WINDOW_S, waitSeconds, type SloSignals } from './slo-signals.js';
import { HISTORY_SPAN_S, usageHistory, type UsageHistory } from './usage-history.js';

/** A snapshot of the cluster for operators, computed from the store on each request. */
export interface LiveOps {
  at: string;
  capacity: { cores: number; mem_gb: number };
  /** Cores and memory held by jobs that are starting or running, over all pools. */
  in_use: { cores: number; mem_gb: number };
  pools: PoolLive[];
  users: UserUsage[];
  /** Use over the last hours, with the interactive floor, for the operators' chart. */
  history: UsageHistory;
  /** The heavy job a sustained interactive breach would pause first; null when none may be paused. */
  pause_first: PauseCandidate | null;
  slo: SloSignals;
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
  team: string;
  running: number;
  queued: number;
  cores: number;
  mem_gb: number;
  /** The larger of the user's core share and memory share of the capacity (dominant resource fairness). */
  dominant_share: number;
  /** The user's weighted equal part of the machine among the users listed here. */
  fair_share: number;
  above_fair_share: boolean;
}

/** Read the live view: use against capacity per pool, the queues in order and per-user use. */
export async function readLiveOps(
  db: Knex,
  capacity: Resources,
  now: Date,
  cellLatencySettings: CellLatencySettings = DEFAULT_CELL_LATENCY,
): Promise<LiveOps> {
  const rows = await db<JobRow>('jobs')
    .whereIn('state', ['queued', 'starting', 'running'])
    .orderByRaw('position asc nulls last')
    .orderBy('id');
  const active = rows.filter((row) => row.state !== 'queued');
  const queued = rows.filter((row) => row.state === 'queued');

  const config = validatePolicyConfig((await loadPolicySettings(db)).settings);
  const intervals = await loadHeldIntervals(db, new Date(now.getTime() - HISTORY_SPAN_S * 1000));
  const waits = waitSeconds(await loadInteractiveWaits(db, now), now.getTime());
  const users = usageByUser(active, queued, capacity);
  const cellLatency = await readCellLatencyP95(db, now, cellLatencySettings);
  const shares = fairShares(users, config);

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
    users: users.map((user, index) => ({ ...user, fair_share: shares[index]?.fair_share ?? 0, above_fair_share: shares[index]?.above_fair_share ?? false })),
    history: usageHistory(intervals, capacity, new BusinessCalendar(config), config, now.getTime()),
    pause_first: await findPauseCandidate(db, capacity, now, config),
    slo: {
      window_s: QUEUE_WAIT_WINDOW_S,
      queue_wait_p95_s: percentile95(waits),
      queue_wait_threshold_s: config.preemption.interactiveWaitThresholdS,
      queue_wait_samples: waits.length,
      cell_latency_p95_s: cellLatency.p95S,
      cell_latency_window_s: cellLatencySettings.windowS,
      cell_latency_samples: cellLatency.samples,
      cell_latency_threshold_s: config.preemption.cellLatencyThresholdS,
    },
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

type OwnUsage = Omit<UserUsage, 'fair_share' | 'above_fair_share'>;

function usageByUser(active: JobRow[], queued: JobRow[], capacity: Resources): OwnUsage[] {
  const users = new Map<string, OwnUsage>();
  const entry = (owner: string, team: string): OwnUsage => {
    let user = users.get(owner);
    if (user === undefined) {
      user = { owner, team, running: 0, queued: 0, cores: 0, mem_gb: 0, dominant_share: 0 };
      users.set(owner, user);
    }
    return user;
  };

  for (const row of active) {
    const user = entry(row.owner, row.team);
    user.running += 1;
    user.cores += row.cores;
    user.mem_gb += row.mem_gb;
  }
  for (const row of queued) entry(row.owner, row.team).queued += 1;

  for (const user of users.values()) {
    const share = Math.max(user.cores / capacity.cores, user.mem_gb / capacity.memGb);
    user.dominant_share = Math.round(share * 10_000) / 10_000;
  }
  return [...users.values()].sort((a, b) => b.dominant_share - a.dominant_share || a.owner.localeCompare(b.owner));
}

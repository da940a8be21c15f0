/**
 * Response shapes of the scheduler routes behind the pre-flight, Live Ops, timeline and admin
 * views. They mirror the server's types (`PreflightAnalysis`, `LiveOps`, `JobEvent`,
 * `PolicySettingsView`, `ReservationView`) by hand, as `job-types.ts` does for jobs.
 */

import type { Label } from './job-types';

export interface PreflightFlag {
  id: string;
  severity: 'info' | 'warning' | 'error';
  cell: number | null;
  line: number;
  message: string;
  fix: string;
}

export interface PreflightAnalysis {
  eta_p50_s: number | null;
  eta_p90_s: number | null;
  eta_basis: string;
  history_runs: number;
  /** When the job would finish if it started at analysis time. */
  finish_eta: string | null;
  /** When the live policy would start the job if it were queued now; null when it promises no start. */
  planned_start: string | null;
  planned_start_reason: { code: string; message: string };
  /** Planned start plus the p50 and p90 runtime; null when either is unknown. */
  finish_eta_p50: string | null;
  finish_eta_p90: string | null;
  input_bytes: number;
  est_shuffle_gb: number;
  cost_core_hours: number | null;
  uses_spark: boolean;
  flags: PreflightFlag[];
  label: { requested: Label; verdict: Label; pool: string; moved: boolean; reason: { code: string; message: string } | null };
}

export interface UsagePoint {
  at: string;
  cores: number;
  mem_gb: number;
  interactive_cores: number;
  heavy_cores: number;
  floor_cores: number;
  floor_mem_gb: number;
}

export interface PoolLive {
  pool: string;
  in_use: { cores: number; mem_gb: number };
  running: number;
  queue_length: number;
  queue: Array<{ job_id: number; owner: string; planned_start: string | null }>;
}

export interface UserUsage {
  owner: string;
  team: string;
  running: number;
  queued: number;
  dominant_share: number;
  fair_share: number;
  above_fair_share: boolean;
}

export interface LiveOps {
  at: string;
  capacity: { cores: number; mem_gb: number };
  in_use: { cores: number; mem_gb: number };
  pools: PoolLive[];
  users: UserUsage[];
  history: { step_s: number; points: UsagePoint[] };
  pause_first: { job_id: number; owner: string; priority: string; cores: number; mem_gb: number } | null;
  slo: {
    window_s: number;
    queue_wait_p95_s: number | null;
    queue_wait_threshold_s: number;
    queue_wait_samples: number;
    cell_latency_p95_s: number | null;
    cell_latency_threshold_s: number;
  };
}

export interface JobEvent {
  id: number;
  job_id: number;
  at: string;
  type: string;
  from_state: string | null;
  to_state: string | null;
  code: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

export interface Resources {
  cores: number;
  memGb: number;
}

/** The part of the policy configuration that the admin page edits; see `server/src/policy/config.ts`. */
export interface EditablePolicy {
  timeZone: string;
  calendar: { businessStart: string; businessEnd: string; businessDays: number[]; holidays: string[]; offPeakStart: string };
  floor: { businessShare: number; offHoursShare: number };
  heavy: {
    maxRunningPerUser: number;
    teamCaps: Record<string, Resources>;
    executorCeilings: { users: Record<string, Resources>; teams: Record<string, Resources> };
  };
}

export interface PolicySettingsView {
  settings: Record<string, unknown>;
  effective: EditablePolicy & Record<string, unknown>;
  version: number;
  updated_by: string | null;
  updated_at: string | null;
}

export interface Reservation {
  id: number;
  team: string | null;
  owner: string | null;
  cores: number;
  mem_gb: number;
  starts_at: string;
  ends_at: string;
  note: string | null;
  created_by: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

export type Role = 'user' | 'team_lead' | 'admin';

export interface Me {
  user: string;
  role: Role;
  team: string | null;
}

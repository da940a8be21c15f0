import type { Reason } from '../contract/job-view.js';
import type { DofcPolicyConfig } from './config.js';
import { StepProfile } from './profile.js';
import type { PolicyJob, Resources } from './types.js';

/** A heavy job's hold on its owner's running slot, kept to name it in messages. */
interface SlotHold {
  jobId: number;
  start: number;
  end: number;
  running: boolean;
}

/**
 * The admission caps of the heavy pool over time: at most `heavy.maxRunningPerUser` heavy jobs
 * per user at once, and each capped team's heavy jobs together within its cap.
 */
export class HeavyCaps {
  private readonly slots = new Map<string, { profile: StepProfile; holds: SlotHold[] }>();
  private readonly teams = new Map<string, StepProfile>();

  constructor(
    private readonly now: number,
    private readonly config: Pick<DofcPolicyConfig, 'heavy'>,
  ) {}

  /** Free running slots of one user over time (first quantity; the second is unused). */
  userSlots(owner: string): StepProfile {
    return this.userEntry(owner).profile;
  }

  /** Free capacity under a team's cap over time, or null for a team without a cap. */
  teamLimit(team: string): StepProfile | null {
    const cap = this.config.heavy.teamCaps[team];
    if (cap === undefined) return null;
    let profile = this.teams.get(team);
    if (profile === undefined) {
      profile = new StepProfile(this.now, cap.cores, cap.memGb);
      this.teams.set(team, profile);
    }
    return profile;
  }

  /** Books a heavy job's slot and team capacity over [start, end). */
  book(job: PolicyJob, start: number, end: number, running: boolean): void {
    const entry = this.userEntry(job.owner);
    entry.profile.add(start, end, -1, 0);
    entry.holds.push({ jobId: job.id, start, end, running });
    this.teamLimit(job.team)?.add(start, end, -job.demand.cores, -job.demand.memGb);
  }

  /** The heavy job of `owner` that holds a slot at `at`, running ones first. */
  holderAt(owner: string, at: number): SlotHold | null {
    const holds = this.slots.get(owner)?.holds ?? [];
    const covering = holds.filter((hold) => hold.start <= at && at < hold.end);
    covering.sort(
      (a, b) => Number(b.running) - Number(a.running) || a.start - b.start || a.jobId - b.jobId,
    );
    return covering[0] ?? null;
  }

  private userEntry(owner: string): { profile: StepProfile; holds: SlotHold[] } {
    let entry = this.slots.get(owner);
    if (entry === undefined) {
      entry = {
        profile: new StepProfile(this.now, this.config.heavy.maxRunningPerUser, 0),
        holds: [],
      };
      this.slots.set(owner, entry);
    }
    return entry;
  }
}

/** What a job asks for in Spark's terms. */
export interface ExecutorRequest {
  executors: number;
  coresPerExecutor: number;
  memPerExecutorGb: number;
}

export type ClampResult =
  | { ok: true; executors: number; demand: Resources; clamped: boolean; reason: Reason | null }
  | { ok: false; reason: Reason };

/**
 * Fits a job's executors under a user's or team's ceiling. Admission is all or nothing, so the
 * job gets as many whole executors as fit under the ceiling, or is rejected when not even one
 * executor fits.
 */
export function clampExecutors(request: ExecutorRequest, ceiling: Resources | null): ClampResult {
  const { executors, coresPerExecutor, memPerExecutorGb } = request;
  if (ceiling === null) {
    return {
      ok: true,
      executors,
      demand: demandOf(executors, request),
      clamped: false,
      reason: null,
    };
  }

  const byCores = Math.floor(ceiling.cores / coresPerExecutor + 1e-9);
  const byMemory = Math.floor(ceiling.memGb / memPerExecutorGb + 1e-9);
  const allowed = Math.min(executors, byCores, byMemory);
  if (allowed < 1) {
    return {
      ok: false,
      reason: {
        code: 'executor_over_ceiling',
        message:
          `One executor (${coresPerExecutor} cores, ${memPerExecutorGb} GB) exceeds the ceiling of ` +
          `${ceiling.cores} cores and ${ceiling.memGb} GB; lower cores_per_executor or mem_per_executor_gb.`,
      },
    };
  }
  if (allowed === executors) {
    return {
      ok: true,
      executors,
      demand: demandOf(executors, request),
      clamped: false,
      reason: null,
    };
  }
  return {
    ok: true,
    executors: allowed,
    demand: demandOf(allowed, request),
    clamped: true,
    reason: {
      code: 'executors_clamped',
      message:
        `Asked for ${executors} executors; ${allowed} fit under the ceiling of ${ceiling.cores} cores ` +
        `and ${ceiling.memGb} GB, so the job runs with ${allowed}.`,
    },
  };
}

function demandOf(executors: number, request: ExecutorRequest): Resources {
  return {
    cores: executors * request.coresPerExecutor,
    memGb: executors * request.memPerExecutorGb,
  };
}

/** Return the ceiling that applies to one job: its owner's, else its team's, else none. */
export function executorCeilingFor(
  owner: string,
  team: string,
  config: Pick<DofcPolicyConfig, 'heavy'>,
): Resources | null {
  const { users, teams } = config.heavy.executorCeilings;
  if (Object.hasOwn(users, owner)) return users[owner] as Resources;
  if (Object.hasOwn(teams, team)) return teams[team] as Resources;
  return null;
}

import type { PoolName } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';
import type { Blocker, Placement } from './backfill.js';
import type { BusinessCalendar } from './calendar.js';
import type { DofcPolicyConfig } from './config.js';
import { formatDuration, formatPercent, poolTitle } from './messages.js';
import { reservationHolder } from './reservations.js';
import type { PolicyJob, Resources, WaitDecision } from './types.js';

/**
 * The start-time promise: every waiting job's planned start and its position in its pool, with
 * a sentence that names what it waits for.
 */

export interface PromiseContext {
  now: number;
  calendar: BusinessCalendar;
  config: DofcPolicyConfig;
}

export function waitDecision(
  context: PromiseContext,
  job: PolicyJob,
  position: number,
  placement: Placement,
): WaitDecision {
  const plannedStart = Number.isFinite(placement.start) ? placement.start : null;
  return { kind: 'wait', jobId: job.id, position, plannedStart, reason: waitReason(context, job, position, placement) };
}

function waitReason(context: PromiseContext, job: PolicyJob, position: number, placement: Placement): Reason {
  const { calendar, now, config } = context;
  const start = calendar.formatClock(placement.start, now);
  const planned = `planned start about ${start}`;
  const blocker: Blocker = placement.blocker ?? { kind: 'pool_full' };

  switch (blocker.kind) {
    case 'not_before':
      return { code: 'not_before', message: `Waits for its requested start at ${start}.` };
    case 'user_cap': {
      const perUser = config.heavy.maxRunningPerUser;
      const rule = perUser === 1 ? 'one heavy job per user' : `${perUser} heavy jobs per user`;
      const message = blocker.holderRunning
        ? `You already run heavy job ${blocker.holderId}; ${rule}. Planned start about ${start}.`
        : `Your heavy job ${blocker.holderId} is planned first; ${rule}. Planned start about ${start}.`;
      return { code: 'heavy_user_cap', message };
    }
    case 'team_cap': {
      const cap = config.heavy.teamCaps[job.team];
      const limit = cap === undefined ? '' : ` of ${cap.cores} cores and ${cap.memGb} GB`;
      return { code: 'team_cap', message: `Team ${job.team} is at its heavy cap${limit} until about ${start}.` };
    }
    case 'floor_business_hours':
      return {
        code: 'floor_business_hours',
        message: `It is wider than Heavy may hold during business hours, when ${formatPercent(config.floor.businessShare)} is kept for interactive work; ${planned}.`,
      };
    case 'floor_returns':
      return {
        code: 'floor_returns',
        message: `Its p90 end would fall after the ${formatPercent(config.floor.businessShare)} interactive floor returns at ${calendar.formatClock(blocker.at, now)}; ${planned}.`,
      };
    case 'reserved': {
      const window = `${calendar.formatClock(blocker.reservation.start, now)}–${calendar.formatClock(blocker.reservation.end, now)}`;
      return {
        code: 'reserved',
        message: `Capacity ${window} is reserved for ${reservationHolder(blocker.reservation)}; ${planned}.`,
      };
    }
    case 'pool_full':
      if (position <= 1) {
        return { code: 'pool_full', message: `${poolTitle(job.pool)} pool full until about ${start}.` };
      }
      return { code: 'queued_behind', message: `Position ${position} in the ${job.pool} pool; ${planned}.` };
  }
}

/** The wait decision of a job that can never fit in its pool. */
export function neverFitsDecision(job: PolicyJob, position: number, ceiling: Resources): WaitDecision {
  return {
    kind: 'wait',
    jobId: job.id,
    position,
    plannedStart: null,
    reason: {
      code: 'exceeds_capacity',
      message:
        `Asks for ${job.demand.cores} cores and ${job.demand.memGb} GB, but the ${job.pool} pool never has more ` +
        `than ${round(ceiling.cores)} cores and ${round(ceiling.memGb)} GB; lower max_executors or the memory per executor.`,
    },
  };
}

/** The start reason: plain room, or room ahead of a higher-ranked job that still waits. */
export function startReason(
  context: PromiseContext,
  job: PolicyJob,
  placement: Placement,
  overtaken: { job: PolicyJob; plannedStart: number | null } | null,
): Reason {
  const { calendar, now } = context;
  if (placement.lane === 'critical') {
    return {
      code: 'critical_lane',
      message: `Started on the critical lane (P0, approved, p90 within ${formatDuration(context.config.critical.maxRuntimeS)}); this use is recorded for audit.`,
    };
  }
  if (placement.reservationId !== undefined) {
    return { code: 'reservation', message: `Started in reservation ${placement.reservationId}, within its window.` };
  }
  if (overtaken !== null) {
    const after = overtaken.plannedStart === null ? '' : `, before that job's planned start at ${calendar.formatClock(overtaken.plannedStart, now)}`;
    return {
      code: 'backfilled',
      message: `Started ahead of job ${overtaken.job.id}: it should end by about ${calendar.formatClock(placement.end, now)}${after}.`,
    };
  }
  return { code: 'capacity_available', message: `Started: the ${job.pool} pool had room.` };
}

/**
 * Start estimates for jobs past the planning depth: the work queued ahead of a job, in
 * core-seconds, spread over the cores its pool can count on. It is an estimate, not a slot:
 * it ignores caps, memory and the calendar.
 */
export class FluidEstimate {
  private readonly work: Record<PoolName, number> = { interactive: 0, heavy: 0 };
  private readonly latest: Record<PoolName, number>;

  constructor(
    private readonly now: number,
    private readonly poolCores: Record<PoolName, number>,
  ) {
    this.latest = { interactive: now, heavy: now };
  }

  /** Counts work that holds the pool's capacity before the estimated jobs. */
  addPlanned(pool: PoolName, coreSeconds: number, start: number): void {
    this.work[pool] += coreSeconds;
    if (Number.isFinite(start)) this.latest[pool] = Math.max(this.latest[pool], start);
  }

  /** The estimated start of the next job in `pool`, then counts that job's work. */
  next(pool: PoolName, coreSeconds: number): number {
    const cores = Math.max(1, this.poolCores[pool]);
    const start = Math.max(this.latest[pool], this.now + (this.work[pool] / cores) * 1000);
    this.work[pool] += coreSeconds;
    return Math.round(start);
  }
}

export function estimatedWaitDecision(context: PromiseContext, job: PolicyJob, position: number, start: number): WaitDecision {
  const clock = context.calendar.formatClock(start, context.now);
  return {
    kind: 'wait',
    jobId: job.id,
    position,
    plannedStart: start,
    reason: {
      code: 'estimated_start',
      message: `Position ${position} in the ${job.pool} pool; start estimated about ${clock} from the work queued ahead.`,
    },
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

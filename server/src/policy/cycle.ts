import type { PoolName } from '../contract/job-spec.js';
import { bookRunning, placeJob, poolCeiling, startNowIfFree, type PlanContext } from './backfill.js';
import type { BusinessCalendar } from './calendar.js';
import { HeavyCaps } from './caps.js';
import type { DofcPolicyConfig } from './config.js';
import { expectedEnd, hasOverrun, remainingRuntimeS } from './estimate.js';
import { userShares } from './fair-share.js';
import { formatPercent } from './messages.js';
import { rankJobs } from './order.js';
import { buildCapacityProfiles, floorShare, heavyLimit } from './pools.js';
import { breachState, interactivePauses, reclaimVictims, type BreachState } from './preemption.js';
import {
  estimatedWaitDecision,
  FluidEstimate,
  neverFitsDecision,
  startReason,
  waitDecision,
  type PromiseContext,
} from './promise.js';
import { isMember, reservationHolder, ReservationBook } from './reservations.js';
import type { Decision, PauseDecision, PolicyJob, PolicySnapshot, Resources, RunningPolicyJob } from './types.js';

const RESUMED = {
  code: 'resumed',
  message: 'Resumed from its checkpoint: the interactive signal is below its threshold and capacity is free.',
};

/**
 * Runs one decision round of the DOFC policy, in phases: read the snapshot, compute fair shares,
 * rank the queue, place every job in the plan, decide pauses, and emit one decision per job.
 * Everything is derived from the snapshot, so equal snapshots give equal decisions.
 */
export function runCycle(snapshot: PolicySnapshot, config: DofcPolicyConfig, calendar: BusinessCalendar): Decision[] {
  const now = snapshot.now;
  const paused = snapshot.paused ?? [];
  const breach = breachState(snapshot.observations ?? [], now, config);

  const shares = userShares(snapshot, config);

  // While the signal is in breach, paused jobs stay paused and take no place in the plan.
  const ranked = rankJobs(snapshot.queued, breach.breaching ? [] : paused, shares, now, snapshot.capacity, config);

  const context = planContext(snapshot, config, calendar);
  bookRunning(context, snapshot.running);
  const reclaims = reclaimPauses(context, snapshot);
  const placed = placeAll(context, snapshot, ranked.order);


  const reclaimed = new Set(reclaims.map((decision) => decision.jobId));
  const candidates = snapshot.running.filter((job) => !reclaimed.has(job.id));
  const waiting = interactiveWaiting(snapshot, placed, context);
  const pauses = [...reclaims, ...interactivePauses(candidates, paused, breach, waiting, now, config)];

  const held = breach.breaching ? paused.map((job) => pausedDuringBreach(job, breach)) : [];
  return [...pauses, ...placed, ...held];
}

function planContext(snapshot: PolicySnapshot, config: DofcPolicyConfig, calendar: BusinessCalendar): PlanContext {
  const now = snapshot.now;
  const profiles = buildCapacityProfiles(now, snapshot.capacity, calendar, config);
  const reservations = new ReservationBook(now, snapshot.reservations ?? []);
  reservations.holdIn(profiles.machine, profiles.heavy);
  return { now, capacity: snapshot.capacity, config, calendar, profiles, caps: new HeavyCaps(now, config), reservations };
}

/**
 * Places the ranked jobs and turns each placement into a decision. The first `planningDepth`
 * jobs get exact slots; the rest get a fluid estimate.
 */
function placeAll(
  context: PlanContext,
  snapshot: PolicySnapshot,
  order: PolicyJob[],
): Decision[] {
  const { now, config } = context;
  const promise: PromiseContext = { now, calendar: context.calendar, config };
  const fluid = new FluidEstimate(now, {
    interactive: snapshot.capacity.cores,
    heavy: heavyLimit(snapshot.capacity, true, config).cores,
  });
  for (const job of snapshot.running) {
    fluid.addPlanned(job.pool, (job.demand.cores * (expectedEnd(job, now, config) - now)) / 1000, now);
  }

  const firstWaiting: Record<PoolName, { job: PolicyJob; plannedStart: number | null } | null> = {
    interactive: null,
    heavy: null,
  };
  const pausedIds = new Set((snapshot.paused ?? []).map((job) => job.id));
  const decisions: Decision[] = [];
  const counters: Record<PoolName, number> = { interactive: 0, heavy: 0 };

  order.forEach((job, index) => {
    const isPaused = pausedIds.has(job.id);
    const position = isPaused ? 0 : ++counters[job.pool];
    const work = job.demand.cores * remainingRuntimeS(job, config);
    if (index >= config.planningDepth) {
      const started = isPaused ? null : startNowIfFree(context, job);
      if (started === null) {
        decisions.push(estimatedWaitDecision(promise, job, position, fluid.next(job.pool, work)));
        return;
      }
      decisions.push({ kind: 'start', jobId: job.id, reason: startReason(promise, job, started, firstWaiting[job.pool]), plannedEnd: started.end });
      return;
    }

    const placement = placeJob(context, job);
    if (!Number.isFinite(placement.start)) {
      decisions.push(neverFitsDecision(job, position, poolCeiling(context, job, snapshot.capacity)));
      return;
    }
    fluid.addPlanned(job.pool, work, placement.start);

    if (placement.start > now) {
      const wait = waitDecision(promise, job, position, placement);
      if (isPaused) wait.reason = { code: 'paused_waiting', message: `Paused; resumes from its checkpoint about ${context.calendar.formatClock(placement.start, now)} when capacity frees.` };
      decisions.push(wait);
      firstWaiting[job.pool] ??= { job, plannedStart: placement.start };
      return;
    }

    if (isPaused) {
      const resume: Decision = { kind: 'resume', jobId: job.id, reason: RESUMED, plannedEnd: placement.end };
      if (placement.reservationId !== undefined) resume.reservationId = placement.reservationId;
      decisions.push(resume);
      return;
    }
    const start: Decision = { kind: 'start', jobId: job.id, reason: startReason(promise, job, placement, firstWaiting[job.pool]), plannedEnd: placement.end };
    if (placement.reservationId !== undefined) start.reservationId = placement.reservationId;
    if (placement.lane !== undefined) {
      start.lane = placement.lane;
      start.audit = true;
    }
    decisions.push(start);
  });
  return decisions;
}

/**
 * Decides the pauses that reclaim capacity. When Heavy uses more than its limit now, because a
 * job ran past its p90 end into business hours, heavy jobs are paused until the floor is whole.
 * When a reservation's window has begun and its jobs wait while jobs that ran past their p90
 * end use its capacity, those jobs are paused.
 */
function reclaimPauses(context: PlanContext, snapshot: PolicySnapshot): PauseDecision[] {
  const { now, config, profiles } = context;
  const pauses: PauseDecision[] = [];
  const chosen = new Set<number>();

  const business = context.calendar.isBusinessTime(now);
  const limit = heavyLimit(snapshot.capacity, business, config);
  const candidates = snapshot.running.filter(
    (job) => job.pool === 'heavy' && job.lane !== 'critical' && !runsInReservation(job, context, now),
  );
  const heavyDeficit = {
    cores: candidates.reduce((sum, job) => sum + job.demand.cores, 0) - limit.cores,
    memGb: candidates.reduce((sum, job) => sum + job.demand.memGb, 0) - limit.memGb,
  };
  if (heavyDeficit.cores > 1e-9 || heavyDeficit.memGb > 1e-9) {
    const share = formatPercent(floorShare(business, config));
    for (const job of reclaimVictims(candidates, heavyDeficit, now, config)) {
      chosen.add(job.id);
      pauses.push(
        pauseDecision(
          job.id,
          'floor_reclaim',
          `Paused with a checkpoint: Heavy held part of the ${share} interactive floor, because this job ran past its p90 estimate. It resumes when Heavy has room.`,
        ),
      );
    }
  }

  // Reservations are booked in both profiles, so a negative value now means running jobs hold
  // capacity a reservation has claimed.
  const [machineCores, machineMemory] = profiles.machine.valueAt(now);
  const [heavyCores, heavyMemory] = profiles.heavy.valueAt(now);
  const reservationDeficit = { cores: -Math.min(machineCores, heavyCores), memGb: -Math.min(machineMemory, heavyMemory) };
  if (reservationDeficit.cores <= 1e-9 && reservationDeficit.memGb <= 1e-9) return pauses;
  for (const reservation of context.reservations.activeAt(now)) {
    if (!snapshot.queued.some((job) => isMember(job, reservation))) continue;
    const overran = snapshot.running.filter(
      (job) => !chosen.has(job.id) && !isMember(job, reservation) && hasOverrun(job, now, config),
    );
    for (const job of reclaimVictims(overran, reservationDeficit, now, config)) {
      chosen.add(job.id);
      pauses.push(
        pauseDecision(
          job.id,
          'reservation_reclaim',
          `Paused with a checkpoint: it ran past its p90 estimate into capacity reserved for ${reservationHolder(reservation)}. It resumes when there is room.`,
        ),
      );
    }
  }
  return pauses;
}

/**
 * Cores and memory of the interactive jobs that wait in this round for capacity (not for a
 * requested start, and not jobs that never fit), and the part of it that is not free now.
 */
function interactiveWaiting(
  snapshot: PolicySnapshot,
  decisions: Decision[],
  context: PlanContext,
): { demand: Resources; shortfall: Resources } {
  const byId = new Map<number, PolicyJob>();
  for (const job of snapshot.queued) if (job.pool === 'interactive') byId.set(job.id, job);
  const demand = { cores: 0, memGb: 0 };
  for (const decision of decisions) {
    if (decision.kind !== 'wait' || decision.plannedStart === null) continue;
    const job = byId.get(decision.jobId);
    if (job === undefined || (job.notBefore !== null && job.notBefore > snapshot.now)) continue;
    demand.cores += job.demand.cores;
    demand.memGb += job.demand.memGb;
  }
  const [freeCores, freeMemory] = context.profiles.machine.valueAt(snapshot.now);
  return {
    demand,
    shortfall: { cores: demand.cores - Math.max(0, freeCores), memGb: demand.memGb - Math.max(0, freeMemory) },
  };
}

function pauseDecision(jobId: number, code: string, message: string): PauseDecision {
  return { kind: 'pause', jobId, reason: { code, message } };
}

function runsInReservation(job: RunningPolicyJob, context: PlanContext, now: number): boolean {
  if (job.reservationId == null) return false;
  const reservation = context.reservations.get(job.reservationId);
  return reservation !== undefined && reservation.start <= now && now < reservation.end;
}

function pausedDuringBreach(job: PolicyJob, breach: BreachState): Decision {
  return {
    kind: 'wait',
    jobId: job.id,
    position: 0,
    plannedStart: null,
    reason: {
      code: 'paused_breach',
      message: `Paused while interactive work is slow (${breach.detail}); it resumes when the signal is below its threshold.`,
    },
  };
}

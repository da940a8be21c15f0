import type { BusinessCalendar } from './calendar.js';
import type { HeavyCaps } from './caps.js';
import type { DofcPolicyConfig } from './config.js';
import { expectedEnd, remainingRuntimeS } from './estimate.js';
import { heavyLimit, type CapacityProfiles } from './pools.js';
import type { Booking, StepProfile } from './profile.js';
import type { ReservationBook } from './reservations.js';
import type { PolicyJob, Reservation, Resources, RunningPolicyJob } from './types.js';

/**
 * The plan: every job gets the earliest slot, in rank order, in which all of its constraints
 * have room for its whole p90 runtime, and the slot is booked before the next job is placed.
 * A lower-ranked job can therefore start now only in capacity that no higher-ranked job's
 * planned slot uses, so backfilling never delays the planned start of a higher-ranked job.
 * This is conservative backfilling: EASY's rule applied to every job ahead, not just the first.
 */

export interface PlanContext {
  now: number;
  capacity: Resources;
  config: DofcPolicyConfig;
  calendar: BusinessCalendar;
  profiles: CapacityProfiles;
  caps: HeavyCaps;
  reservations: ReservationBook;
}

/** Cause of a slot later than the job's earliest allowed start; `at` is the first shortfall. */
export type Blocker =
  | { kind: 'not_before' }
  | { kind: 'user_cap'; holderId: number; holderRunning: boolean }
  | { kind: 'team_cap' }
  | { kind: 'floor_business_hours' }
  | { kind: 'floor_returns'; at: number }
  | { kind: 'reserved'; reservation: Reservation }
  | { kind: 'pool_full' };

export interface Placement {
  /** Planned start; Infinity when no slot exists. */
  start: number;
  end: number;
  lane?: 'critical';
  reservationId?: string;
  blocker: Blocker | null;
}

interface Constraint {
  profile: StepProfile;
  first: number;
  second: number;
}

/**
 * Books the running jobs over [now, expected end) in the profiles whose capacity they use. The
 * general profiles take all bookings in one sweep, because a live cluster runs hundreds of jobs.
 */
export function bookRunning(context: PlanContext, running: readonly RunningPolicyJob[]): void {
  const { now, profiles } = context;
  const machine: Booking[] = [];
  const heavy: Booking[] = [];
  const bookGeneralLater = (job: RunningPolicyJob, start: number, end: number): void => {
    const booking = { start, end, first: -job.demand.cores, second: -job.demand.memGb };
    machine.push(booking);
    if (job.pool === 'heavy') heavy.push(booking);
  };

  for (const job of running) {
    const end = expectedEnd(job, now, context.config);
    const { cores, memGb } = job.demand;
    if (job.pool === 'heavy') context.caps.book(job, now, end, true);

    if (job.lane === 'critical' && profiles.lane !== null) {
      profiles.lane.add(now, end, -cores, -memGb);
      continue;
    }
    const reservation = job.reservationId == null ? undefined : context.reservations.get(job.reservationId);
    if (reservation !== undefined && reservation.start <= now) {
      context.reservations.profileOf(reservation.id)?.add(now, Math.min(end, reservation.end), -cores, -memGb);
      bookGeneralLater(job, reservation.end, end);
      continue;
    }
    bookGeneralLater(job, now, end);
  }

  profiles.machine.addMany(machine);
  profiles.heavy.addMany(heavy);
}

export function isCriticalEligible(job: PolicyJob, config: Pick<DofcPolicyConfig, 'critical' | 'runtime'>): boolean {
  return (
    config.critical.enabled &&
    job.priority === 'P0' &&
    job.criticalApproved === true &&
    remainingRuntimeS(job, config) <= config.critical.maxRuntimeS
  );
}

/** Finds a queued or paused job's earliest slot and books it. */
export function placeJob(context: PlanContext, job: PolicyJob): Placement {
  const { now, config } = context;
  const durationMs = remainingRuntimeS(job, config) * 1000;
  const earliest = Math.max(now, job.notBefore ?? now);

  const general = generalConstraints(context, job);
  let best: Placement = { start: earliestCommonFit(general, earliest, durationMs), end: 0, blocker: null };
  for (const reservation of context.reservations.memberships(job)) {
    const inside = reservationConstraints(context, job, reservation);
    const start = earliestCommonFit(inside, Math.max(earliest, reservation.start), durationMs);
    // On a tie the reservation wins: that leaves general capacity to everyone else.
    if (start <= best.start) best = { start, end: 0, reservationId: reservation.id, blocker: null };
  }
  if (best.start > now && context.profiles.lane !== null && isCriticalEligible(job, config)) {
    const lane: Constraint = { profile: context.profiles.lane, first: job.demand.cores, second: job.demand.memGb };
    if (earliestCommonFit([lane], now, durationMs) === now && earliest === now) {
      best = { start: now, end: 0, lane: 'critical', blocker: null };
    }
  }

  best.end = best.start + durationMs;
  if (best.start > earliest && Number.isFinite(best.start)) best.blocker = explainDelay(context, job, earliest, durationMs);
  if (best.start > now && best.start === earliest) best.blocker = { kind: 'not_before' };
  if (Number.isFinite(best.start)) book(context, job, best);
  return best;
}

/**
 * Starts a job now when every general constraint has room for its whole p90 runtime, and books
 * it; returns null otherwise. This is the cheap check for jobs past the planning depth: it
 * reads only the profile over the job's own runtime, and since all planned slots are already
 * booked, a start here delays none of them.
 */
export function startNowIfFree(context: PlanContext, job: PolicyJob): Placement | null {
  const { now } = context;
  const { cores, memGb } = job.demand;
  if (job.notBefore !== null && job.notBefore > now) return null;
  // Most jobs past the planning depth find no room even at this instant.
  if (!context.profiles.machine.hasRoomAt(now, cores, memGb)) return null;
  if (job.pool === 'heavy') {
    if (!context.profiles.heavy.hasRoomAt(now, cores, memGb)) return null;
    if (!context.caps.userSlots(job.owner).hasRoomAt(now, 1, 0)) return null;
  }
  const end = now + remainingRuntimeS(job, context.config) * 1000;
  for (const constraint of generalConstraints(context, job)) {
    if (constraint.profile.firstShortfall(now, end, constraint.first, constraint.second) !== null) return null;
  }
  const placement: Placement = { start: now, end, blocker: null };
  book(context, job, placement);
  return placement;
}

/** Finds the earliest start at or after `from` at which every constraint has room for `duration`. */
export function earliestCommonFit(constraints: Constraint[], from: number, duration: number): number {
  let start = from;
  for (;;) {
    let moved = false;
    for (const constraint of constraints) {
      const fit = constraint.profile.earliestFit(start, duration, constraint.first, constraint.second);
      if (fit === Infinity) return Infinity;
      if (fit > start) {
        start = fit;
        moved = true;
      }
    }
    if (!moved) return start;
  }
}

/** Computes the maximum capacity a job of this pool could ever get, for the "never fits" message. */
export function poolCeiling(context: PlanContext, job: PolicyJob, capacity: Resources): Resources {
  const { config } = context;
  const laneShare = config.critical.enabled ? config.critical.share : 0;
  const share = job.pool === 'heavy' ? 1 - laneShare - config.floor.offHoursShare : 1 - laneShare;
  const cap = job.pool === 'heavy' ? config.heavy.teamCaps[job.team] : undefined;
  return {
    cores: Math.min(capacity.cores * share, cap?.cores ?? Infinity),
    memGb: Math.min(capacity.memGb * share, cap?.memGb ?? Infinity),
  };
}

function generalConstraints(context: PlanContext, job: PolicyJob): Constraint[] {
  const { cores, memGb } = job.demand;
  const constraints: Constraint[] = [{ profile: context.profiles.machine, first: cores, second: memGb }];
  if (job.pool !== 'heavy') return constraints;
  constraints.push({ profile: context.profiles.heavy, first: cores, second: memGb });
  constraints.push(...capConstraints(context, job));
  return constraints;
}

function reservationConstraints(context: PlanContext, job: PolicyJob, reservation: Reservation): Constraint[] {
  const profile = context.reservations.profileOf(reservation.id);
  if (profile === undefined) return [];
  return [{ profile, first: job.demand.cores, second: job.demand.memGb }, ...capConstraints(context, job)];
}

function capConstraints(context: PlanContext, job: PolicyJob): Constraint[] {
  const constraints: Constraint[] = [{ profile: context.caps.userSlots(job.owner), first: 1, second: 0 }];
  const team = context.caps.teamLimit(job.team);
  if (team !== null) constraints.push({ profile: team, first: job.demand.cores, second: job.demand.memGb });
  return constraints;
}

function book(context: PlanContext, job: PolicyJob, placement: Placement): void {
  const { cores, memGb } = job.demand;
  if (job.pool === 'heavy') context.caps.book(job, placement.start, placement.end, false);
  if (placement.lane === 'critical') {
    context.profiles.lane?.add(placement.start, placement.end, -cores, -memGb);
    return;
  }
  if (placement.reservationId !== undefined) {
    context.reservations.profileOf(placement.reservationId)?.add(placement.start, placement.end, -cores, -memGb);
    return;
  }
  bookGeneral(context, job, placement.start, placement.end);
}

function bookGeneral(context: PlanContext, job: PolicyJob, start: number, end: number): void {
  const { cores, memGb } = job.demand;
  context.profiles.machine.add(start, end, -cores, -memGb);
  if (job.pool === 'heavy') context.profiles.heavy.add(start, end, -cores, -memGb);
}

/**
 * Names the first constraint without room over [from, from + duration). The checks run in this
 * order: the user's heavy slots, the team cap, and a reservation held at the first shortfall.
 * Then comes the floor, for a window that runs into business hours or a job wider than Heavy's
 * business-hours limit. Otherwise the pool is full.
 */
function explainDelay(context: PlanContext, job: PolicyJob, from: number, duration: number): Blocker {
  const to = from + duration;
  const { cores, memGb } = job.demand;
  const { heavy, machine } = context.profiles;

  if (job.pool === 'heavy') {
    const slots = context.caps.userSlots(job.owner).firstShortfall(from, to, 1, 0);
    const holder = slots === null ? null : context.caps.holderAt(job.owner, slots);
    if (holder !== null) return { kind: 'user_cap', holderId: holder.jobId, holderRunning: holder.running };
    if (context.caps.teamLimit(job.team)?.firstShortfall(from, to, cores, memGb) != null) return { kind: 'team_cap' };
  }

  const heavyShortfall = job.pool === 'heavy' ? heavy.firstShortfall(from, to, cores, memGb) : null;
  const machineShortfall = machine.firstShortfall(from, to, cores, memGb);
  const [profile, shortfall] =
    heavyShortfall !== null && (machineShortfall === null || heavyShortfall <= machineShortfall)
      ? [heavy, heavyShortfall]
      : [machine, machineShortfall];
  if (shortfall === null) return { kind: 'pool_full' };

  // Held reservation capacity is booked in the profiles, so a reservation is the cause when
  // giving its capacity back would make room at the first shortfall.
  const reservation = context.reservations.conflicting(job, shortfall, shortfall + 1);
  if (reservation !== null) {
    const [freeCores, freeMemory] = profile.valueAt(shortfall);
    if (freeCores + reservation.capacity.cores >= cores && freeMemory + reservation.capacity.memGb >= memGb) {
      return { kind: 'reserved', reservation };
    }
  }

  if (profile === heavy) {
    if (shortfall > from && context.calendar.isBusinessTime(shortfall)) return { kind: 'floor_returns', at: shortfall };
    const businessLimit = heavyLimit(context.capacity, true, context.config);
    if (cores > businessLimit.cores + 1e-9 || memGb > businessLimit.memGb + 1e-9) return { kind: 'floor_business_hours' };
  }
  return { kind: 'pool_full' };
}

import { StepProfile } from './profile.js';
import type { PolicyJob, Reservation } from './types.js';

/**
 * Reservations of heavy capacity. Over its window a reservation's capacity is held away from
 * every other job, which may use it only when its p90 end comes before the window starts (the
 * plan enforces that, because the held capacity is booked in the general profiles). A member
 * job runs in the reservation when its p90 end falls inside the window; otherwise it competes
 * for general capacity like any other job.
 */

export function isMember(job: Pick<PolicyJob, 'owner' | 'team' | 'pool'>, reservation: Reservation): boolean {
  if (job.pool !== 'heavy') return false;
  if (reservation.owner != null && reservation.owner !== job.owner) return false;
  if (reservation.team != null && reservation.team !== job.team) return false;
  return reservation.owner != null || reservation.team != null;
}

/** Whom a reservation is for, for messages: "team risk" or "user ana". */
export function reservationHolder(reservation: Reservation): string {
  if (reservation.owner != null) return `user ${reservation.owner}`;
  return `team ${reservation.team ?? 'unknown'}`;
}

export class ReservationBook {
  private readonly active: Reservation[];
  private readonly profiles = new Map<string, StepProfile>();

  constructor(now: number, reservations: Reservation[]) {
    this.active = reservations
      .filter((reservation) => reservation.end > now && reservation.end > reservation.start)
      .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
    for (const reservation of this.active) {
      // Free only inside the window, zero before and after it.
      const profile = new StepProfile(now, 0, 0);
      profile.add(reservation.start, reservation.end, reservation.capacity.cores, reservation.capacity.memGb);
      this.profiles.set(reservation.id, profile);
    }
  }

  /** Books every reservation's capacity in the general profiles over its window. */
  holdIn(...profiles: StepProfile[]): void {
    for (const reservation of this.active) {
      for (const profile of profiles) {
        profile.add(reservation.start, reservation.end, -reservation.capacity.cores, -reservation.capacity.memGb);
      }
    }
  }

  get(id: string): Reservation | undefined {
    return this.active.find((reservation) => reservation.id === id);
  }

  profileOf(id: string): StepProfile | undefined {
    return this.profiles.get(id);
  }

  /** Reservations the job may run in. */
  memberships(job: PolicyJob): Reservation[] {
    return this.active.filter((reservation) => isMember(job, reservation));
  }

  /** The first reservation not for `job` whose window overlaps [start, end). */
  conflicting(job: PolicyJob, start: number, end: number): Reservation | null {
    return this.active.find((r) => !isMember(job, r) && r.start < end && r.end > start) ?? null;
  }

  /** Reservations whose window contains `at`. */
  activeAt(at: number): Reservation[] {
    return this.active.filter((reservation) => reservation.start <= at && at < reservation.end);
  }
}

import { Cron } from 'croner';

/** A cron expression or time zone that croner cannot read. */
export class RecurringScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecurringScheduleError';
  }
}

export interface DueTicksInput {
  /** Five-field cron expression (six with seconds), as croner reads it. */
  cron: string;
  timeZone: string;
  /**
   * The last tick already fired, or for a new schedule the instant it was created: only ticks
   * after it are due. Persist the returned `lastFiredAt` to fire each tick once across restarts.
   */
  lastFiredAt: number;
  now: number;
  /** After a long outage only this many of the most recent missed ticks fire. */
  maxCatchUp?: number;
}

export interface DueTicks {
  /** Ticks in (lastFiredAt, now], oldest first. */
  due: number[];
  /** The new last-fired tick to store, unchanged when nothing is due. */
  lastFiredAt: number;
  /** The first tick after `now`, or null when the expression never fires again. */
  next: number | null;
}

/**
 * The ticks of a recurring submission that are due: each tick after the last fired one and
 * no later than now, once. croner computes ticks in the IANA zone, so a daily "30 2 * * *"
 * fires once on the day a DST change skips or repeats 02:30 (croner 11 follows Vixie cron:
 * a skipped time fires right after the gap, a repeated one fires at its first occurrence).
 */
export function dueTicks(input: DueTicksInput): DueTicks {
  const maxCatchUp = input.maxCatchUp ?? 100;
  let schedule: Cron;
  try {
    schedule = new Cron(input.cron, { timezone: input.timeZone, paused: true });
  } catch (error) {
    throw new RecurringScheduleError(
      `Invalid recurring schedule ${JSON.stringify(input.cron)} in zone ${input.timeZone}: ${(error as Error).message}; ` +
        'use a five-field cron expression such as "0 19 * * 1-5" and an IANA zone such as "Europe/Stockholm".',
    );
  }

  const due: number[] = [];
  let cursor = new Date(input.lastFiredAt);
  for (;;) {
    const tick = schedule.nextRun(cursor);
    if (tick === null || tick.getTime() > input.now) {
      schedule.stop();
      const kept = due.slice(Math.max(0, due.length - maxCatchUp));
      return { due: kept, lastFiredAt: due.at(-1) ?? input.lastFiredAt, next: tick === null ? null : tick.getTime() };
    }
    due.push(tick.getTime());
    cursor = tick;
  }
}

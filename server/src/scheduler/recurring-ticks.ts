import type { Knex } from 'knex';
import { submitJob } from '../jobs/submit.js';
import type { Logger } from '../logger.js';
import { dueTicks } from '../policy/recurring.js';
import type { Resources } from '../policy/types.js';
import { activeRecurringJobs } from '../store/recurring-jobs.js';

/**
 * Submit one job for each due tick of every recurring schedule. Each tick submits with the
 * idempotency key `recurring-<id>-<tick>`, so a scheduler that stops between the submit and
 * storing the new last tick submits nothing twice when it runs the tick again.
 */
export async function fireRecurringTicks(
  db: Knex,
  capacity: Resources,
  now: Date,
  logger: Logger,
): Promise<number> {
  let fired = 0;
  for (const schedule of await activeRecurringJobs(db)) {
    const log = logger.child({ recurringId: schedule.id });
    let ticks;
    try {
      ticks = dueTicks({
        cron: schedule.cron,
        timeZone: schedule.time_zone,
        lastFiredAt: new Date(schedule.last_fired_at).getTime(),
        now: now.getTime(),
      });
    } catch (error) {
      log.error({ err: error }, 'recurring schedule is invalid; skipping it');
      continue;
    }

    for (const tick of ticks.due) {
      try {
        const { job, replayed } = await submitJob(db, schedule.submission, {
          capacity,
          now,
          idempotencyKey: `recurring-${schedule.id}-${tick}`,
        });
        if (!replayed) fired += 1;
        log.info(
          { jobId: job.id, tick: new Date(tick).toISOString(), replayed },
          'recurring tick submitted',
        );
      } catch (error) {
        // A tick whose submission is no longer valid (its file was removed) is skipped, not retried forever.
        log.error(
          { err: error, tick: new Date(tick).toISOString() },
          'recurring tick could not be submitted',
        );
      }
    }
    await db('recurring_jobs')
      .where({ id: schedule.id })
      .update({
        last_fired_at: new Date(ticks.lastFiredAt),
        next_at: ticks.next === null ? null : new Date(ticks.next),
      });
  }
  return fired;
}

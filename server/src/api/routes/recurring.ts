import { Router } from 'express';
import { IANAZone } from 'luxon';
import { RecurringRequestSchema } from '../../contract/recurring.js';
import { describeFirstIssue } from '../../contract/validation-message.js';
import { InvalidInputError, NotFoundError } from '../../jobs/errors.js';
import { validateSubmission } from '../../jobs/validate-submission.js';
import { dueTicks, RecurringScheduleError } from '../../policy/recurring.js';
import {
  activeRecurringJobs,
  toRecurringView,
  type RecurringRow,
} from '../../store/recurring-jobs.js';
import { requestActor, requestIdentity } from '../actor.js';
import type { ApiServices } from '../services.js';
import { MAX_ROW_ID } from '../../contract/row-id.js';
import { withCallerAsOwner } from '../../auth/caller-submission.js';
import { mayActOn, submissionTeam } from '../../auth/job-access.js';

/** Routes under /recurring: jobs submitted again at every tick of a cron schedule. */
export function recurringRouter(services: ApiServices): Router {
  const router = Router();
  const { db } = services;

  router.post('/', async (request, response) => {
    const parsed = RecurringRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      const problem = describeFirstIssue(parsed.error, request.body);
      throw new InvalidInputError('invalid_recurring_job', problem.message, problem.field);
    }
    const { cron, time_zone: timeZone } = parsed.data;
    const submission = await withCallerAsOwner(db, parsed.data.submission, requestIdentity(request));
    if (!IANAZone.isValidZone(timeZone)) {
      throw new InvalidInputError(
        'invalid_recurring_job',
        `time_zone "${timeZone}" is not an IANA time zone; use one such as "Europe/Stockholm" or "UTC".`,
        'time_zone',
      );
    }

    // The submission is checked now, so a bad one fails here and not at every tick.
    const valid = await validateSubmission(submission, services.capacity);
    const now = services.now();
    let next: number | null;
    try {
      next = dueTicks({ cron, timeZone, lastFiredAt: now.getTime(), now: now.getTime() }).next;
    } catch (error) {
      if (error instanceof RecurringScheduleError)
        throw new InvalidInputError('invalid_recurring_job', error.message, 'cron');
      throw error;
    }

    const [row] = await db<RecurringRow>('recurring_jobs')
      .insert({
        owner: valid.submission.owner,
        cron,
        time_zone: timeZone,
        submission: JSON.stringify(submission) as unknown as Record<string, unknown>,
        last_fired_at: now,
        next_at: next === null ? null : new Date(next),
        created_by: requestActor(request),
        created_at: now,
      })
      .returning('*');
    services.logger.info(
      { recurringId: (row as RecurringRow).id, cron, timeZone },
      'recurring job created',
    );
    response.status(201).json(toRecurringView(row as RecurringRow));
  });

  router.get('/', async (request, response) => {
    const identity = requestIdentity(request);
    const visible = (await activeRecurringJobs(db)).filter((row) => mayActOn(identity, row.owner, submissionTeam(row.submission)));
    response.json({ recurring: visible.map(toRecurringView) });
  });

  router.delete('/:id', async (request, response) => {
    const id = Number(request.params['id']);
    if (!Number.isSafeInteger(id) || id <= 0 || id > MAX_ROW_ID) {
      throw new InvalidInputError(
        'invalid_recurring_id',
        `Recurring job id ${JSON.stringify(request.params['id'])} is invalid; ids are whole numbers from 1 to ${MAX_ROW_ID}.`,
        'id',
      );
    }
    const count = await db('recurring_jobs')
      .where({ id })
      .whereNull('cancelled_at')
      .update({ cancelled_at: services.now() });
    if (count === 0)
      throw new NotFoundError(
        'recurring_not_found',
        `Recurring job ${id} does not exist or was already stopped; list them with GET /recurring.`,
      );
    response.status(204).end();
  });

  return router;
}

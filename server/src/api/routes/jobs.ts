import { Router, type Request } from 'express';
import { JOB_STATES, type JobEvent, type JobState } from '../../contract/job-view.js';
import { POOLS, type PoolName } from '../../contract/job-spec.js';
import { MAX_ROW_ID } from '../../contract/row-id.js';
import { InvalidInputError, NotFoundError } from '../../jobs/errors.js';
import { cancelJobAsActor } from '../../audit/cancel-audit.js';
import { applyCriticalGrant } from '../../audit/critical-grants.js';
import { submitJob } from '../../jobs/submit.js';
import { toJobView, type AttemptRow, type JobRow } from '../../store/job-rows.js';
import { requestActor, requestIdentity } from '../actor.js';
import { withCallerAsOwner } from '../../auth/caller-submission.js';
import { ForbiddenError } from '../../auth/errors.js';
import { findRequestJob } from '../../auth/request-job.js';
import { mayFilterByOwner, whereVisibleTo } from '../../auth/job-access.js';
import type { ApiServices } from '../services.js';
import { streamJobLogs } from './job-logs.js';

const MAX_PAGE = 200;

/** Routes under /jobs: submit, list, get, cancel, events, logs and output. */
export function jobsRouter(services: ApiServices): Router {
  const router = Router();
  const { db } = services;

  router.post('/', async (request, response) => {
    const key = request.get('Idempotency-Key');
    if (key !== undefined && (key.length === 0 || key.length > 200)) {
      throw new InvalidInputError('invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 200 characters.', 'Idempotency-Key');
    }
    const body = await withCallerAsOwner(db, request.body, requestIdentity(request));
    const submitted = await submitJob(db, body, {
      capacity: services.capacity,
      now: services.now(),
      idempotencyKey: key,
    });
    const { replayed } = submitted;
    const job = replayed ? submitted.job : await applyCriticalGrant(db, submitted.job, services.now());
    if (!replayed) services.onJobsChanged();
    response.status(replayed ? 200 : 201).location(`/jobs/${job.id}`).json(toJobView(job));
  });

  router.get('/', async (request, response) => {
    const filters = parseListQuery(request);
    const identity = requestIdentity(request);
    if (filters.owner !== undefined && !mayFilterByOwner(identity, filters.owner)) {
      throw new ForbiddenError('forbidden', `Listing the jobs of ${filters.owner} needs the role team_lead or admin; you are ${identity.user} with role ${identity.role}. Leave owner out to list your own jobs.`);
    }
    let query = whereVisibleTo(db<JobRow>('jobs'), identity).orderBy('id', 'desc').limit(filters.limit + 1);
    if (filters.owner !== undefined) query = query.where({ owner: filters.owner });
    if (filters.state !== undefined) query = query.where({ state: filters.state });
    if (filters.pool !== undefined) query = query.where({ pool: filters.pool });
    if (filters.cursor !== undefined) query = query.where('id', '<', filters.cursor);
    const rows = await query;
    const page = rows.slice(0, filters.limit);
    const more = rows.length > filters.limit;
    response.json({
      jobs: page.map(toJobView),
      next_cursor: more && page.length > 0 ? String(page[page.length - 1]?.id) : null,
    });
  });

  router.get('/:id', async (request, response) => {
    const id = parseJobId(request.params['id']);
    response.json(toJobView(findRequestJob(request, id) ?? (await findJob(services, request.params['id']))));
  });

  router.post('/:id/cancel', async (request, response) => {
    const id = parseJobId(request.params['id']);
    const actor = requestActor(request);
    const { job, immediate } = await db.transaction((trx) => cancelJobAsActor(trx, id, actor, services.now()));
    services.onJobsChanged();
    response.status(immediate ? 200 : 202).json(toJobView(job));
  });

  router.get('/:id/events', async (request, response) => {
    const job = await findJob(services, request.params['id']);
    const rows = await db('job_events').where({ job_id: job.id }).orderBy('id');
    const events: JobEvent[] = rows.map((row) => ({
      id: Number(row.id),
      job_id: row.job_id,
      at: new Date(row.at).toISOString(),
      type: row.type,
      from_state: row.from_state,
      to_state: row.to_state,
      code: row.code,
      message: row.message,
      data: row.data,
    }));
    response.json({ events });
  });

  router.get('/:id/logs', async (request, response) => {
    const job = await findJob(services, request.params['id']);
    await streamJobLogs(services, job, request, response);
  });

  router.get('/:id/output', async (request, response) => {
    const job = await findJob(services, request.params['id']);
    const attempt = await db<AttemptRow>('job_attempts').where({ job_id: job.id, attempt: job.attempt }).first();
    if (attempt === undefined) {
      throw new NotFoundError('output_not_found', `Job ${job.id} has not run yet, so it has no output; it is ${job.state}.`);
    }
    const file = services.executor.outputPath({ attemptDir: attempt.attempt_dir });
    response.type('application/x-ipynb+json');
    // The default data folder is ./.dofc, and send refuses paths with a dot folder unless told.
    response.sendFile(file, { dotfiles: 'allow' }, (error) => {
      if (error !== undefined && !response.headersSent) {
        response.status(404).json({
          error: 'output_not_found',
          message: `Job ${job.id} wrote no executed notebook (it is ${job.state}); only notebook and cell jobs have one.`,
        });
      }
    });
  });

  return router;
}

export function parseJobId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0 || id > MAX_ROW_ID) {
    throw new InvalidInputError('invalid_job_id', `Job id ${JSON.stringify(raw)} is invalid; job ids are whole numbers from 1 to ${MAX_ROW_ID}.`, 'id');
  }
  return id;
}

async function findJob(services: ApiServices, raw: string | undefined): Promise<JobRow> {
  const id = parseJobId(raw);
  const job = await services.db<JobRow>('jobs').where({ id }).first();
  if (job === undefined) throw new NotFoundError('job_not_found', `Job ${id} does not exist. List jobs with "dofc status".`);
  return job;
}

interface ListQuery {
  owner?: string;
  state?: JobState;
  pool?: PoolName;
  cursor?: number;
  limit: number;
}

function parseListQuery(request: Request): ListQuery {
  const query = request.query;
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw new InvalidInputError('invalid_query', `Query parameter ${name} must appear once.`, name);
    }
    return value;
  };

  const result: ListQuery = { limit: 50 };
  const owner = single('owner');
  if (owner !== undefined) result.owner = owner;

  const state = single('state');
  if (state !== undefined) {
    if (!(JOB_STATES as readonly string[]).includes(state)) {
      throw new InvalidInputError('invalid_query', `state "${state}" is invalid; use one of ${JOB_STATES.join(', ')}.`, 'state');
    }
    result.state = state as JobState;
  }

  const pool = single('pool');
  if (pool !== undefined) {
    if (!(POOLS as readonly string[]).includes(pool)) {
      throw new InvalidInputError('invalid_query', `pool "${pool}" is invalid; use one of ${POOLS.join(', ')}.`, 'pool');
    }
    result.pool = pool as PoolName;
  }

  const limit = single('limit');
  if (limit !== undefined) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE) {
      throw new InvalidInputError('invalid_query', `limit "${limit}" is invalid; use a whole number from 1 to ${MAX_PAGE}.`, 'limit');
    }
    result.limit = value;
  }

  const cursor = single('cursor');
  if (cursor !== undefined) result.cursor = parseJobId(cursor);
  return result;
}

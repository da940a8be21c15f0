import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { isTerminal, type JobView } from '../../contract/job-view.js';
import { InvalidInputError, NotFoundError } from '../../jobs/errors.js';
import { toJobView, type JobRow } from '../../store/job-rows.js';
import type { ApiServices } from '../services.js';
import { requestIdentity } from '../actor.js';
import { ForbiddenError } from '../../auth/errors.js';
import type { Identity } from '../../auth/identity.js';
import { mayFilterByOwner, whereVisibleTo } from '../../auth/job-access.js';
import { parseJobId } from './jobs.js';

/** How often the store is read for changed jobs; every change bumps `jobs.updated_at`. */
export const STREAM_POLL_MS = 250;

/** A comment line at this interval keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** Tells an EventSource how long to wait before it reconnects after the stream drops. */
const RETRY_MS = 2_000;

/** The jobs a stream follows: one job, or every job of an owner. */
type StreamScope = { jobId: number } | { owner: string | undefined; viewer: Identity };

/**
 * Routes that push job changes as Server-Sent Events: `GET /jobs/stream[?owner=]` for a list and
 * `GET /jobs/{id}/stream` for one job. Each event is `event: job` with the JobView as data.
 * A stream first sends the current jobs, then every job whose view changed. A client that
 * reconnects gets the current jobs again, so it needs no Last-Event-ID.
 */
export function jobStreamRouter(services: ApiServices): Router {
  const router = Router();

  router.get('/stream', async (request, response) => {
    const owner = request.query['owner'];
    if (owner !== undefined && (typeof owner !== 'string' || owner.length === 0)) {
      throw new InvalidInputError('invalid_query', 'Query parameter owner must appear once and not be empty.', 'owner');
    }
    const viewer = requestIdentity(request);
    if (owner !== undefined && !mayFilterByOwner(viewer, owner)) {
      throw new ForbiddenError('forbidden', `Following the jobs of ${owner} needs the role team_lead or admin; you are ${viewer.user} with role ${viewer.role}. Leave owner out to follow your own jobs.`);
    }
    await streamJobs(services, { owner, viewer }, request, response);
  });

  router.get('/:id/stream', async (request, response) => {
    const jobId = parseJobId(request.params['id']);
    const exists = await services.db<JobRow>('jobs').where({ id: jobId }).first('id');
    if (exists === undefined) throw new NotFoundError('job_not_found', `Job ${jobId} does not exist. List jobs with "dofc status".`);
    await streamJobs(services, { jobId }, request, response);
  });

  return router;
}

async function streamJobs(services: ApiServices, scope: StreamScope, request: Request, response: Response): Promise<void> {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  response.write(`retry: ${RETRY_MS}\n\n`);

  let closed = false;
  request.on('close', () => {
    closed = true;
  });

  const sent = new Map<number, string>();
  let since: Date | undefined;
  let lastWrite = Date.now();

  while (!closed) {
    const polledAt = services.now();
    let rows: JobRow[];
    try {
      rows = await changedJobs(services.db, scope, since);
    } catch (error) {
      services.logger.error({ err: error, scope }, 'job stream stopped: reading jobs from the store failed');
      break;
    }

    for (const row of rows) {
      const view = toJobView(row);
      const data = JSON.stringify(view);
      if (sent.get(view.job_id) === data) continue;
      sent.set(view.job_id, data);
      response.write(formatEvent(view, data));
      lastWrite = Date.now();
    }

    if ('jobId' in scope && rows.some((row) => isTerminal(row.state))) break;

    if (Date.now() - lastWrite > HEARTBEAT_MS) {
      response.write(': heartbeat\n\n');
      lastWrite = Date.now();
    }

    // Rows written within one poll interval of the last read are read again, so a change that
    // commits with an older updated_at than the clock of this poll is not missed; `sent` drops repeats.
    since = new Date(polledAt.getTime() - 2 * STREAM_POLL_MS);
    await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_MS));
  }
  response.end();
}

/** The first read returns the scope's jobs that are still active, later reads those updated since. */
async function changedJobs(db: Knex, scope: StreamScope, since: Date | undefined): Promise<JobRow[]> {
  let query = db<JobRow>('jobs').orderBy('id');
  if ('jobId' in scope) {
    query = query.where({ id: scope.jobId });
    return since === undefined ? query : query.where('updated_at', '>=', since);
  }

  query = whereVisibleTo(query, scope.viewer);
  if (scope.owner !== undefined) query = query.where({ owner: scope.owner });
  if (since === undefined) return query.whereNotIn('state', ['succeeded', 'failed', 'cancelled']);
  return query.where('updated_at', '>=', since);
}

function formatEvent(view: JobView, data: string): string {
  return `id: ${view.job_id}\nevent: job\ndata: ${data}\n\n`;
}

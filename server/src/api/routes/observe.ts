import { Router, type Request } from 'express';
import { InvalidInputError, NotFoundError } from '../../jobs/errors.js';
import { buildJobReport } from '../../observe/job-report/build-report.js';
import { httpMetricsMiddleware } from '../../observe/http-metrics.js';
import { readLiveOps } from '../../observe/live-ops/live-ops.js';
import { LOG_SOURCES, searchLogFile, type LogQuery, type LogSource } from '../../observe/live-ops/log-search.js';
import type { AttemptRow, JobRow } from '../../store/job-rows.js';
import type { ApiServices } from '../services.js';
import { requestIdentity } from '../actor.js';
import { liveOpsFor } from '../../auth/live-ops-view.js';
import { parseJobId } from './jobs.js';

const MAX_SEARCH_MATCHES = 1000;
const MAX_SEARCH_TEXT = 500;

/**
 * Observability routes: Prometheus metrics, the post-run job report, log search and the live
 * operations view. It is mounted before the job routers, so its timing middleware times their
 * requests (not /health or /openapi.json), and `GET /jobs/:id/logs` without `search` falls through
 * to the plain log route.
 */
export function observeRouter(services: ApiServices): Router {
  const router = Router();
  const metrics = services.metrics;
  router.use(httpMetricsMiddleware(metrics));

  router.get('/metrics', async (_request, response) => {
    const text = await metrics.registry.metrics();
    response.type(metrics.registry.contentType).send(text);
  });

  router.get('/ops/live', async (request, response) => {
    const view = await readLiveOps(services.db, services.capacity, services.now(), services.cellLatency);
    const hotSet = services.hotSet === undefined ? {} : { hot_set: services.hotSet.stats() };
    response.json({ ...liveOpsFor(view, requestIdentity(request)), ...hotSet });
  });

  router.get('/jobs/:id/report', async (request, response) => {
    const job = await findJob(services, request.params['id']);
    response.json(await buildJobReport(services.db, job, services.now()));
  });

  router.get('/jobs/:id/logs', async (request, response, next) => {
    const query = parseSearchQuery(request);
    if (query === null) {
      next();
      return;
    }
    const job = await findJob(services, request.params['id']);
    response.type('text/plain; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');

    const attempts = await services.db<AttemptRow>('job_attempts').where({ job_id: job.id }).orderBy('attempt');
    let matches = 0;
    for (const attempt of attempts) {
      response.write(`--- attempt ${attempt.attempt} ---\n`);
      for await (const line of searchLogFile(services.executor.logPath({ attemptDir: attempt.attempt_dir }), query)) {
        matches += 1;
        if (matches <= MAX_SEARCH_MATCHES) response.write(`${line}\n`);
      }
    }
    if (matches > MAX_SEARCH_MATCHES) {
      response.write(`--- ${matches - MAX_SEARCH_MATCHES} more matching lines not shown; narrow the search ---\n`);
    }
    response.end();
  });

  return router;
}

/** Parse the search of a log request, or return null when it has no `search` parameter (a plain log request). */
function parseSearchQuery(request: Request): LogQuery | null {
  const text = request.query['search'];
  if (text === undefined) return null;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SEARCH_TEXT) {
    throw new InvalidInputError('invalid_query', `search must appear once and be 1 to ${MAX_SEARCH_TEXT} characters.`, 'search');
  }

  const source = request.query['source'];
  if (source === undefined) return { text };
  if (typeof source !== 'string' || !(LOG_SOURCES as readonly string[]).includes(source)) {
    throw new InvalidInputError('invalid_query', `source ${JSON.stringify(source)} is invalid; use one of ${LOG_SOURCES.join(', ')}.`, 'source');
  }
  return { text, source: source as LogSource };
}

async function findJob(services: ApiServices, raw: string | undefined): Promise<JobRow> {
  const id = parseJobId(raw);
  const job = await services.db<JobRow>('jobs').where({ id }).first();
  if (job === undefined) throw new NotFoundError('job_not_found', `Job ${id} does not exist. List jobs with "dofc status".`);
  return job;
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { accessMatcher, ROUTE_ACCESS, type MatchedAccess } from './access-rules.js';
import type { Authenticator } from './authenticator.js';
import { MAX_ROW_ID } from '../contract/row-id.js';
import { NotFoundError } from '../jobs/errors.js';
import type { Logger } from '../logger.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';
import type { Identity } from './identity.js';
import { mayActOn, notYoursMessage, submissionTeam } from './job-access.js';
import { setRequestIdentity } from './request-identity.js';
import { setRequestJob } from './request-job.js';
import type { JobRow } from '../store/job-rows.js';

/**
 * Authenticates every request whose route is not public and applies the route's rule from
 * ROUTE_ACCESS. A job or recurring submission that does not exist, or an id that is not a number,
 * passes on, so the handler returns its usual 404 or 400.
 */
export function authorizationMiddleware(db: Knex, authenticator: Authenticator, logger: Logger): RequestHandler {
  const match = accessMatcher(ROUTE_ACCESS);
  const logRejection = rejectionLogger(logger);
  return async (request: Request, _response: Response, next: NextFunction) => {
    const matched = match(request.method, request.path);
    if (matched?.access.rule === 'public') {
      next();
      return;
    }

    let identity: Identity;
    try {
      identity = await authenticator.authenticate({
        method: request.method,
        url: request.originalUrl,
        header: (name) => request.get(name),
      });
    } catch (error) {
      if (error instanceof UnauthenticatedError) logRejection(request, error);
      throw error;
    }
    setRequestIdentity(request, identity);
    await enforce(db, matched, identity, request);
    next();
  };
}

async function enforce(db: Knex, matched: MatchedAccess | null, identity: Identity, request: Request): Promise<void> {
  if (matched === null) {
    // Closed by default: a route without a rule gets the unknown-route 404, so it stays hidden.
    if (identity.role !== 'admin') {
      throw new NotFoundError('not_found', `No route for ${request.method} ${request.path} is open to you; see /openapi.json.`);
    }
    return;
  }

  const { access, params } = matched;
  switch (access.rule) {
    case 'public':
    case 'authenticated':
      return;
    case 'admin':
      if (identity.role !== 'admin') {
        throw new ForbiddenError('forbidden', `${access.method} ${access.path} needs the role admin; you are ${identity.user} with role ${identity.role}. Ask an admin to do it or to give you the role.`);
      }
      return;
    case 'job':
      await enforceOwnership(db, 'jobs', params['id'], identity, (id) => `Job ${id}`, request);
      return;
    case 'recurring':
      await enforceOwnership(db, 'recurring_jobs', params['id'], identity, (id) => `Recurring job ${id}`, request);
      return;
  }
}

async function enforceOwnership(db: Knex, table: 'jobs' | 'recurring_jobs', rawId: string | undefined, identity: Identity, describe: (id: number) => string, request: Request): Promise<void> {
  const id = Number(rawId);
  if (!Number.isSafeInteger(id) || id <= 0 || id > MAX_ROW_ID) return;

  const row = await ownerAndTeam(db, table, id, request);
  if (row === undefined) return;
  if (!mayActOn(identity, row.owner, row.team)) {
    throw new ForbiddenError('forbidden', notYoursMessage(describe(id), row.owner, row.team, identity));
  }
}

async function ownerAndTeam(db: Knex, table: 'jobs' | 'recurring_jobs', id: number, request: Request): Promise<{ owner: string; team: string } | undefined> {
  if (table === 'jobs') {
    const job = await db<JobRow>('jobs').where({ id }).first();
    if (job !== undefined) setRequestJob(request, job);
    return job;
  }
  const row = (await db('recurring_jobs').where({ id }).first('owner', 'submission')) as { owner: string; submission: unknown } | undefined;
  return row === undefined ? undefined : { owner: row.owner, team: submissionTeam(row.submission) };
}

/** A client that retries with a bad credential would fill the log, so each path is logged once a minute. */
const REJECTION_LOG_INTERVAL_MS = 60_000;

/** Logs rejected credentials at most once per path and interval, with the count of those left out. */
function rejectionLogger(logger: Logger): (request: Request, error: UnauthenticatedError) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (request, error) => {
    const now = Date.now();
    const key = `${request.method} ${request.path}`;
    const entry = last.get(key);
    if (entry !== undefined && now - entry.at < REJECTION_LOG_INTERVAL_MS) {
      entry.suppressed += 1;
      return;
    }
    if (last.size > 10_000) last.clear();
    last.set(key, { at: now, suppressed: 0 });
    logger.warn({ method: request.method, path: request.path, ip: request.ip, suppressedBefore: entry?.suppressed ?? 0, reason: error.message }, 'request rejected: no valid credential');
  };
}

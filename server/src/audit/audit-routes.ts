import { Router } from 'express';
import { describeFirstIssue } from '../contract/validation-message.js';
import { InvalidInputError } from '../jobs/errors.js';
import { requestActor } from '../api/actor.js';
import type { ApiServices } from '../api/services.js';
import { auditToCsv } from './audit-csv.js';
import { listAudit } from './audit-log.js';
import { parseAuditQuery } from './audit-query.js';
import {
  createCriticalGrant,
  CriticalGrantRequestSchema,
  listActiveGrants,
  toCriticalGrantView,
} from './critical-grants.js';

/**
 * Admin routes of the audit log and of emergency critical-lane grants, mounted under /admin. The
 * authorization middleware lets only admins reach them: ROUTE_ACCESS in auth/access-rules.ts marks
 * /admin/audit admin only, and a route without a row there is admin only too.
 */
export function auditAdminRouter(services: ApiServices): Router {
  const router = Router();
  const { db } = services;

  router.get('/audit', async (request, response) => {
    const query = parseAuditQuery(request.query);
    const entries = await listAudit(db, query);
    if (query.format === 'csv') {
      response
        .type('text/csv; charset=utf-8')
        .attachment('dofc-audit.csv')
        .send(auditToCsv(entries));
      return;
    }
    response.json({ entries });
  });

  router.get('/critical-grants', async (_request, response) => {
    const grants = await listActiveGrants(db, services.now());
    response.json({ grants: grants.map(toCriticalGrantView) });
  });

  router.post('/critical-grants', async (request, response) => {
    const parsed = CriticalGrantRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      const problem = describeFirstIssue(parsed.error, request.body);
      throw new InvalidInputError('invalid_critical_grant', problem.message, problem.field);
    }
    const grant = parsed.data;
    if (Date.parse(grant.expires_at) <= services.now().getTime()) {
      throw new InvalidInputError(
        'invalid_critical_grant',
        `expires_at ${grant.expires_at} is in the past; give a time after now.`,
        'expires_at',
      );
    }

    const actor = requestActor(request);
    const row = await createCriticalGrant(db, grant, actor, services.now());
    services.logger.info({ grantId: row.id, user: row.user_name, actor }, 'critical-lane grant created');
    response.status(201).json(toCriticalGrantView(row));
  });

  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { ROLES, TEAM_NAME_PATTERN, USER_NAME_PATTERN } from '../../auth/identity.js';
import { findUser, storeUser, toUserView, type UserRow } from '../../auth/users.js';
import { describeFirstIssue } from '../../contract/validation-message.js';
import { InvalidInputError, NotFoundError } from '../../jobs/errors.js';
import { recordAudit } from '../../audit/audit-log.js';
import { requestActor } from '../actor.js';
import type { ApiServices } from '../services.js';

/** The body of PUT /admin/users/{name}; a field left out keeps its value, and `team: null` removes the team. */
export const UserChangeSchema = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    team: z.string().regex(TEAM_NAME_PATTERN, 'team is 1 to 64 letters, digits or _ . -').nullable().optional(),
  })
  .refine((body) => body.role !== undefined || body.team !== undefined, { message: 'send role, team or both' });

/** Admin routes for users' roles and teams: `GET /admin/users`, `GET` and `PUT /admin/users/{name}`. */
export function usersRouter(services: ApiServices): Router {
  const router = Router();
  const { db } = services;

  router.get('/users', async (_request, response) => {
    const rows = await db<UserRow>('users').orderBy('name');
    response.json({ users: rows.map(toUserView) });
  });

  router.get('/users/:name', async (request, response) => {
    const name = checkedName(request.params['name']);
    const row = await findUser(db, name);
    if (row === undefined) {
      throw new NotFoundError('user_not_found', `User ${name} does not exist yet; users appear on their first authenticated request, or create one with PUT /admin/users/${name}.`);
    }
    response.json(toUserView(row));
  });

  router.put('/users/:name', async (request, response) => {
    const name = checkedName(request.params['name']);
    const parsed = UserChangeSchema.safeParse(request.body);
    if (!parsed.success) {
      const problem = describeFirstIssue(parsed.error, request.body);
      throw new InvalidInputError('invalid_user_change', problem.message, problem.field);
    }

    const actor = requestActor(request);
    const row = await db.transaction(async (trx) => {
      const before = await findUser(trx, name);
      const stored = await storeUser(trx, name, parsed.data, services.now());
      await recordAudit(trx, {
        at: services.now(),
        actor,
        action: 'user.update',
        target: `user:${name}`,
        before: before === undefined ? null : toUserView(before),
        after: toUserView(stored),
      });
      return stored;
    });
    services.logger.info({ user: name, role: row.role, team: row.team, actor }, 'user role or team changed');
    response.json(toUserView(row));
  });

  return router;
}

function checkedName(raw: string | undefined): string {
  if (raw === undefined || !USER_NAME_PATTERN.test(raw)) {
    throw new InvalidInputError('invalid_user_name', `User name ${JSON.stringify(raw)} is invalid; user names are 1 to 64 letters, digits or _ . @ -.`, 'name');
  }
  return raw;
}

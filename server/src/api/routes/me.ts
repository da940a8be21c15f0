import { Router } from 'express';
import { z } from 'zod';
import { createToken, listTokens, revokeToken, toTokenView } from '../../auth/api-tokens.js';
import { describeFirstIssue } from '../../contract/validation-message.js';
import { InvalidInputError, NotFoundError } from '../../jobs/errors.js';
import { requestIdentity } from '../actor.js';
import type { ApiServices } from '../services.js';
import { MAX_ROW_ID } from '../../contract/row-id.js';

/** The body of POST /me/tokens. */
export const TokenRequestSchema = z.strictObject({
  name: z.string().min(1).max(100),
  /** Whole days until the token stops working; without it the token works until revoked. */
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** Routes about the caller: `GET /me`, and personal API tokens under /me/tokens. */
export function meRouter(services: ApiServices): Router {
  const router = Router();
  const { db } = services;

  router.get('/', (request, response) => {
    response.json(requestIdentity(request));
  });

  router.post('/tokens', async (request, response) => {
    const parsed = TokenRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      const problem = describeFirstIssue(parsed.error, request.body);
      throw new InvalidInputError('invalid_token_request', problem.message, problem.field);
    }

    const { user } = requestIdentity(request);
    const now = services.now();
    const days = parsed.data.expires_in_days;
    const expiresAt = days === undefined ? null : new Date(now.getTime() + days * DAY_MS);
    const { row, token } = await createToken(db, user, parsed.data.name, expiresAt, now);
    services.logger.info({ tokenId: row.id, user, name: row.name }, 'API token created');
    response.status(201).json({ ...toTokenView(row), token });
  });

  router.get('/tokens', async (request, response) => {
    const rows = await listTokens(db, requestIdentity(request).user);
    response.json({ tokens: rows.map(toTokenView) });
  });

  router.delete('/tokens/:id', async (request, response) => {
    const id = Number(request.params['id']);
    if (!Number.isSafeInteger(id) || id <= 0 || id > MAX_ROW_ID) {
      throw new InvalidInputError('invalid_token_id', `Token id ${JSON.stringify(request.params['id'])} is invalid; ids are whole numbers from 1 to ${MAX_ROW_ID}.`, 'id');
    }
    const { user } = requestIdentity(request);
    if (!(await revokeToken(db, user, id))) {
      throw new NotFoundError('token_not_found', `You have no API token ${id}; list yours with GET /me/tokens or "dofc token list".`);
    }
    services.logger.info({ tokenId: id, user }, 'API token revoked');
    response.status(204).end();
  });

  return router;
}

import type { Knex } from 'knex';
import { ForbiddenError } from './errors.js';
import { NO_TEAM, type Identity } from './identity.js';
import { findUser } from './users.js';

/**
 * Returns the submission with its owner and team taken from the caller, so nobody submits in
 * another's name. A user may repeat their own name and team or leave them out; a different
 * owner or team is rejected with 403. An admin may submit for anyone; the job then gets the
 * team it names, or else its owner's team. A body that is not an object is returned unchanged
 * for the JobSpec validation to reject.
 */
export async function withCallerAsOwner(db: Knex, body: unknown, identity: Identity): Promise<unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const submission = body as Record<string, unknown>;
  const owner = submission['owner'];
  const team = submission['team'];

  if (identity.role === 'admin' && typeof owner === 'string' && owner !== identity.user) {
    if (team !== undefined) return submission;
    const ownerTeam = (await findUser(db, owner))?.team ?? NO_TEAM;
    return { ...submission, team: ownerTeam };
  }

  if (owner !== undefined && owner !== identity.user) {
    throw new ForbiddenError('owner_not_caller', `owner ${JSON.stringify(owner)} is not you (${identity.user}); only the role admin may submit jobs for another user. Leave owner out or set it to ${identity.user}.`);
  }
  const callerTeam = identity.team ?? NO_TEAM;
  if (team !== undefined && team !== callerTeam && identity.role !== 'admin') {
    throw new ForbiddenError('team_not_caller', `team ${JSON.stringify(team)} is not your team (${callerTeam}); only the role admin may submit jobs for another team. Leave team out, or ask an admin to change your team with PUT /admin/users/${identity.user}.`);
  }
  return { ...submission, owner: identity.user, team: team ?? callerTeam };
}

import type { Knex } from 'knex';
import { Authenticator } from './authenticator.js';
import type { AuthSettings } from './settings.js';
import { loadSharedSecret } from './shared-secret.js';
import { bootstrapUsers } from './users.js';

/** Reads (or creates) the shared secret, applies DOFC_USERS and DOFC_ADMINS, and returns the authenticator. */
export async function startAuthentication(db: Knex, settings: AuthSettings, now: () => Date = () => new Date()): Promise<Authenticator> {
  const secret = loadSharedSecret(settings.secret);
  await bootstrapUsers(db, settings.users, settings.admins, now());
  return new Authenticator(db, settings, secret, now);
}

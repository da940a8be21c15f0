import type { Knex } from 'knex';
import { isRole, type Identity, type Role } from './identity.js';
import type { SeededUser } from './settings.js';

export interface UserRow {
  name: string;
  role: string;
  team: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A user as the admin API returns it. */
export interface UserView {
  user: string;
  role: Role;
  team: string | null;
}

export function toUserView(row: UserRow): UserView {
  return identityFromRow(row.name, row);
}

export async function findUser(db: Knex, name: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ name }).first();
}

/**
 * Returns the identity of `name`, creating the user with role `user` and `team` on first sight.
 * Two first requests of one user may race, so the insert ignores a row the other one wrote.
 */
export async function identityOf(db: Knex, name: string, team: string | null, now: Date): Promise<Identity> {
  let row = await findUser(db, name);
  if (row === undefined) {
    await db<UserRow>('users').insert({ name, role: 'user', team, created_at: now, updated_at: now }).onConflict('name').ignore();
    row = await findUser(db, name);
  }
  if (row === undefined) throw new Error(`user ${name} could not be created`);
  return identityFromRow(row.name, row);
}

/** Returns the identity of a stored user from the role and team of its row. */
export function identityFromRow(name: string, row: { role: string; team: string | null }): Identity {
  // The CHECK constraint of the users table keeps role within ROLES.
  return { user: name, role: isRole(row.role) ? row.role : 'user', team: row.team };
}

/** Sets the role and team of a user, creating the user if needed, and returns the stored row. */
export async function storeUser(db: Knex, name: string, changes: { role?: Role; team?: string | null }, now: Date): Promise<UserRow> {
  await db<UserRow>('users')
    .insert({ name, role: changes.role ?? 'user', team: changes.team ?? null, created_at: now, updated_at: now })
    .onConflict('name')
    .merge({
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.team !== undefined ? { team: changes.team } : {}),
      updated_at: now,
    });
  const row = await findUser(db, name);
  if (row === undefined) throw new Error(`user ${name} was stored but cannot be read back`);
  return row;
}

/**
 * Applies the start-up configuration: DOFC_USERS entries are created only if missing, so an admin's
 * later change survives a restart, while DOFC_ADMINS are made admins at every start, so the
 * operator cannot lock themselves out.
 */
export async function bootstrapUsers(db: Knex, seeded: readonly SeededUser[], admins: readonly string[], now: Date): Promise<void> {
  for (const user of seeded) {
    await db<UserRow>('users')
      .insert({ name: user.name, role: user.role, team: user.team, created_at: now, updated_at: now })
      .onConflict('name')
      .ignore();
  }
  for (const name of admins) await storeUser(db, name, { role: 'admin' }, now);
}

import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

/** Every personal token starts with this, so it is recognised in a header and by secret scanners. */
export const TOKEN_PREFIX = 'dofc_';

/** A token that is not used within this time since its last recorded use gets its use recorded again. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiTokenRow {
  id: number;
  owner: string;
  name: string;
  token_hash: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  expires_at: Date | string | null;
}

/** A token as its owner lists it: everything except the secret and its hash. */
export interface ApiTokenView {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 random bytes, so the hash alone is enough to find a token and cannot be reversed. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function toTokenView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    expires_at: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  };
}

/** Stores a new token for `owner` and returns its row with the token, which is never readable again. */
export async function createToken(
  db: Knex,
  owner: string,
  name: string,
  expiresAt: Date | null,
  now: Date,
): Promise<{ row: ApiTokenRow; token: string }> {
  const token = generateToken();
  const [row] = await db<ApiTokenRow>('api_tokens')
    .insert({ owner, name, token_hash: hashToken(token), created_at: now, last_used_at: null, expires_at: expiresAt })
    .returning('*');
  return { row: row as ApiTokenRow, token };
}

export async function listTokens(db: Knex, owner: string): Promise<ApiTokenRow[]> {
  return db<ApiTokenRow>('api_tokens').where({ owner }).orderBy('id');
}

/** Deletes the owner's token and returns whether it existed; another user's token counts as absent. */
export async function revokeToken(db: Knex, owner: string, id: number): Promise<boolean> {
  // Counting the returned rows works on every client; the PGlite client does not return a count from delete.
  const deleted = await db<ApiTokenRow>('api_tokens').where({ owner, id }).delete().returning('id');
  return deleted.length > 0;
}

/**
 * Outcome of looking a presented token up. `user` is the owner's stored role and team, read in
 * the same query, or null when the owner has no user row yet.
 */
export type TokenCheck =
  | { ok: true; owner: string; user: { role: string; team: string | null } | null }
  | { ok: false; reason: string };

/** Finds the token's owner by its hash, with the owner's user row, rejects an expired token and records the use. */
export async function checkToken(db: Knex, token: string, now: Date): Promise<TokenCheck> {
  // One query for both rows, because every request with a token needs them.
  const row = (await db<ApiTokenRow>('api_tokens')
    .leftJoin('users', 'users.name', 'api_tokens.owner')
    .where({ 'api_tokens.token_hash': hashToken(token) })
    .first('api_tokens.*', 'users.name as user_name', 'users.role as user_role', 'users.team as user_team')) as
    | (ApiTokenRow & { user_name: string | null; user_role: string | null; user_team: string | null })
    | undefined;
  if (row === undefined) return { ok: false, reason: 'the API token is unknown or was revoked' };
  if (row.expires_at !== null && new Date(row.expires_at).getTime() <= now.getTime()) {
    return { ok: false, reason: `the API token "${row.name}" expired at ${new Date(row.expires_at).toISOString()}` };
  }

  // Writing on every request would turn each read into a write, so uses close together are recorded once.
  const lastUsed = row.last_used_at === null ? 0 : new Date(row.last_used_at).getTime();
  if (now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
    await db<ApiTokenRow>('api_tokens').where({ id: row.id }).update({ last_used_at: now });
  }
  const user = row.user_name === null || row.user_role === null ? null : { role: row.user_role, team: row.user_team };
  return { ok: true, owner: row.owner, user };
}

import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { mkdirSync } from 'node:fs';
import { migrationSource } from './migrations/index.js';

export type Database = Knex;

/** The store's location: a PostgreSQL URL, or a folder for the embedded PGlite database. */
export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string | null };

/**
 * Open the store and bring its schema up to date. PGlite and PostgreSQL speak the same SQL,
 * so the same migrations and queries serve both.
 */
export async function openDatabase(location: StoreLocation): Promise<Database> {
  const db = location.kind === 'postgres' ? openPostgres(location.url) : openPglite(location.dir);
  try {
    await db.migrate.latest({ migrationSource });
  } catch (error) {
    await db.destroy();
    throw new Error(
      `Could not bring the job store at ${describeLocation(location)} up to date: ${(error as Error).message}. ` +
        'Check that the database answers and that its user may create tables in the public schema.',
      { cause: error },
    );
  }
  return db;
}

/** Describe the store's location for messages, with any password in the URL hidden. */
export function describeLocation(location: StoreLocation): string {
  if (location.kind === 'pglite') return location.dir === null ? 'PGlite in memory' : `PGlite in ${location.dir}`;
  try {
    const url = new URL(location.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

function openPostgres(url: string): Database {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
}

function openPglite(dir: string | null): Database {
  // PGlite has a single connection, so every query waits for an open transaction to end.
  if (dir !== null) mkdirSync(dir, { recursive: true });
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: dir === null ? {} : { filename: dir },
  } as Knex.Config);
}

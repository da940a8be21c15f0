import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import type { StoreLocation } from '../../src/store/database.js';

/**
 * Where the suite keeps its store. DOFC_TEST_DATABASE_URL points at a PostgreSQL server whose
 * user may create databases; each call then gets a fresh database on it. Without it, each call
 * gets a fresh PGlite folder.
 */
export const TEST_DATABASE_URL = process.env['DOFC_TEST_DATABASE_URL'];

export function storeKindUnderTest(): 'postgres' | 'pglite' {
  return TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

export interface TestStore {
  location: StoreLocation;
  /** Drop the PostgreSQL database; PGlite folders are left in the temp folder. */
  drop(): Promise<void>;
}

export async function createTestStore(): Promise<TestStore> {
  if (!TEST_DATABASE_URL) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dofc-test-db-'));
    return { location: { kind: 'pglite', dir }, drop: async () => {} };
  }

  const name = `dofc_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();

  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    location: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const cleanup = knexFactory({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
      await cleanup.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.destroy();
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { recordAudit } from '../../src/audit/audit-log.js';
import { openDatabase } from '../../src/store/database.js';
import { createTestStore, storeKindUnderTest, type TestStore } from '../support/test-store.js';

describe(`audit_log append-only on ${storeKindUnderTest()}`, () => {
  let store: TestStore;
  let db: Knex;

  beforeAll(async () => {
    store = await createTestStore();
    db = await openDatabase(store.location);
    await db.transaction((trx) =>
      recordAudit(trx, { actor: 'admin', action: 'policy.update', target: 'policy', before: { version: 0 }, after: { version: 1 } }),
    );
  });
  afterAll(async () => {
    await db.destroy();
    await store.drop();
  });

  it('accepts an insert', async () => {
    const rows = await db('audit_log').select('actor', 'action', 'before', 'after');
    expect(rows).toEqual([{ actor: 'admin', action: 'policy.update', before: { version: 0 }, after: { version: 1 } }]);
  });

  it.each([
    ['UPDATE', "UPDATE audit_log SET actor = 'mallory'"],
    ['DELETE', 'DELETE FROM audit_log'],
    ['TRUNCATE', 'TRUNCATE audit_log'],
  ])('rejects %s', async (operation, sql) => {
    await expect(db.raw(sql)).rejects.toThrow(`audit_log is append-only: ${operation} is not allowed`);
    const [counted] = (await db('audit_log').count({ count: '*' })) as Array<{ count: string | number }>;
    expect(Number(counted?.count)).toBe(1);
    expect((await db('audit_log').first('actor')) as { actor: string }).toEqual({ actor: 'admin' });
  });
});

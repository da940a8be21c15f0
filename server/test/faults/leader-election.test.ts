import knexFactory, { type Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AdvisoryLockElection, LOCK_APPLICATION_NAME, type LeaderElection } from '../../src/scheduler/leader.js';
import { apiFetch, startTestService } from '../support/service.js';
import { createTestStore, storeKindUnderTest, type TestStore } from '../support/test-store.js';
import { waitUntil } from './wait.js';

const RETRY_MS = 200;

/** One replica's election with a log of the hooks it ran, in order. */
interface Replica {
  election: LeaderElection;
  hooks: string[];
}

const postgresOnly = storeKindUnderTest() === 'postgres' ? describe : describe.skip;

describe(`leader election on ${storeKindUnderTest()}`, () => {
  it('single service reports itself leader', async () => {
    const service = await startTestService();
    try {
      await waitUntil(() => service.election.role() === 'leader', 'the only replica to lead');
      const health = (await (await apiFetch(service.url, '/health')).json()) as { status: string; role: string };
      expect(health.status).toBe('ok');
      expect(health.role).toBe('leader');
    } finally {
      await service.stopAndDrop();
    }
  });
});

postgresOnly('advisory lock election (needs PostgreSQL: set DOFC_TEST_DATABASE_URL)', () => {
  let store: TestStore | null = null;
  let admin: Knex | null = null;
  const replicas: Replica[] = [];

  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.election.stop();
    await admin?.destroy();
    admin = null;
    await store?.drop();
    store = null;
  });

  async function openStore(): Promise<string> {
    store = await createTestStore();
    if (store.location.kind !== 'postgres') throw new Error('advisory lock election needs a PostgreSQL store');
    admin = knexFactory({ client: 'pg', connection: store.location.url, pool: { min: 0, max: 1 } });
    return store.location.url;
  }

  async function startReplica(url: string): Promise<Replica> {
    const hooks: string[] = [];
    const election = new AdvisoryLockElection({
      url,
      retryMs: RETRY_MS,
      logger: createLogger(process.env['DOFC_TEST_LOG_LEVEL'] ?? 'silent'),
      hooks: {
        onElected: async () => {
          hooks.push('elected');
        },
        onDeposed: async () => {
          hooks.push('deposed');
        },
      },
    });
    const replica = { election, hooks };
    replicas.push(replica);
    await election.start();
    return replica;
  }

  /** Returns the server process id of the session that holds the scheduler lock in the test's database, or null. */
  async function lockHolderPid(): Promise<number | null> {
    const result = await (admin as Knex).raw<{ rows: Array<{ pid: number }> }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = ?
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [LOCK_APPLICATION_NAME],
    );
    return result.rows[0]?.pid ?? null;
  }

  it('first replica leads and second follows', async () => {
    const url = await openStore();
    const first = await startReplica(url);
    const second = await startReplica(url);

    expect(first.election.role()).toBe('leader');
    expect(second.election.role()).toBe('follower');
    expect(first.hooks).toEqual(['elected']);
    expect(second.hooks).toEqual([]);
    expect(await lockHolderPid()).not.toBeNull();
  });

  it('follower stays follower while leader holds lock', async () => {
    const url = await openStore();
    const first = await startReplica(url);
    const second = await startReplica(url);

    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 5));
    expect(first.election.role()).toBe('leader');
    expect(second.election.role()).toBe('follower');
    expect(second.hooks).toEqual([]);
  });

  it('leader stops scheduling when its connection is terminated', async () => {
    const url = await openStore();
    const first = await startReplica(url);
    const second = await startReplica(url);

    const holder = await lockHolderPid();
    expect(holder).not.toBeNull();
    await (admin as Knex).raw('SELECT pg_terminate_backend(?)', [holder]);

    await waitUntil(() => first.hooks.includes('deposed'), 'the leader to stop scheduling', 2_000);
    expect(first.hooks.slice(0, 2)).toEqual(['elected', 'deposed']);

    // Either replica may win the next election, because both retry on the same interval.
    const leaders = () => [first, second].filter((replica) => replica.election.role() === 'leader').length;
    await waitUntil(() => leaders() === 1, 'one replica to lead again', RETRY_MS * 10);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 3));
    expect(leaders()).toBe(1);
    expect(await lockHolderPid()).not.toBe(holder);
  });

  it('stopped leader hands lock to follower', async () => {
    const url = await openStore();
    const first = await startReplica(url);
    const second = await startReplica(url);

    await first.election.stop();
    expect(first.hooks).toEqual(['elected', 'deposed']);
    await waitUntil(() => second.election.role() === 'leader', 'the follower to take over', RETRY_MS * 10);
  });

  it('failed start gives lock up', async () => {
    const url = await openStore();
    const hooks: string[] = [];
    // A retry interval longer than the test, so only the second replica can take the released lock.
    const failing = new AdvisoryLockElection({
      url,
      retryMs: 600_000,
      logger: createLogger(process.env['DOFC_TEST_LOG_LEVEL'] ?? 'silent'),
      hooks: {
        onElected: async () => {
          hooks.push('elected');
          throw new Error('recovery failed');
        },
        onDeposed: async () => {
          hooks.push('deposed');
        },
      },
    });
    replicas.push({ election: failing, hooks });
    await failing.start();

    expect(failing.role()).toBe('follower');
    expect(hooks).toEqual(['elected', 'deposed']);
    expect(await lockHolderPid()).toBeNull();
    const second = await startReplica(url);
    expect(second.election.role()).toBe('leader');
  });
});

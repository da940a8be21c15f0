import pg from 'pg';
import type { Logger } from '../logger.js';

/** Whether this replica runs the scheduling loop (`leader`) or only serves the API (`follower`). */
export type SchedulerRole = 'leader' | 'follower';

/** Callbacks that start and stop the scheduling loop when leadership changes. */
export interface LeadershipHooks {
  /** Starts scheduling. If it throws, the replica gives the lock up and tries again later. */
  onElected(): Promise<void>;
  /** Stops scheduling and waits for the cycle in flight. */
  onDeposed(): Promise<void>;
}

/** Keeps at most one replica scheduling at a time. Every replica serves the API whatever its role. */
export interface LeaderElection {
  role(): SchedulerRole;
  start(): Promise<void>;
  /** Stops scheduling if leader, then gives up the lock so that a follower can take over. */
  stop(): Promise<void>;
}

/**
 * Advisory lock key of the scheduler ("DOFC" in ASCII). Advisory locks are per database, so
 * replicas that share one database contend for it and services on other databases do not.
 */
export const SCHEDULER_LOCK_KEY = 0x444f4643;

/** Milliseconds between a follower's attempts to take the lock, and between the leader's checks that it still holds it. */
export const DEFAULT_LEADER_RETRY_MS = 2_000;

/** Name the lock's connection shows in `pg_stat_activity`, so an operator can find the leader. */
export const LOCK_APPLICATION_NAME = 'dofc-scheduler-lock';

/** Leadership for a store that only one process can open (PGlite): that process always leads. */
export function singleProcessLeader(hooks: LeadershipHooks): LeaderElection {
  let current: SchedulerRole = 'follower';
  return {
    role: () => current,
    async start() {
      await hooks.onElected();
      current = 'leader';
    },
    async stop() {
      if (current === 'follower') return;
      current = 'follower';
      await hooks.onDeposed();
    },
  };
}

export interface AdvisoryLockElectionOptions {
  /** PostgreSQL connection string of the job store. */
  url: string;
  hooks: LeadershipHooks;
  logger: Logger;
  retryMs?: number;
  lockKey?: number;
}

/**
 * Leadership through a session-level PostgreSQL advisory lock held on a dedicated connection.
 * A pooled connection could be closed and replaced by the pool, which would release the lock
 * without anyone noticing, so the lock lives on a connection of its own. When that connection
 * fails, the replica stops scheduling at once, because the server has released (or is about to
 * release) the lock and another replica may take it. A killed leader's connection closes with
 * its process, so the server releases the lock right away and a follower takes over within
 * one retry interval.
 *
 * NOTE: a leader learns of a broken connection only when the socket reports it or the check
 * every `retryMs` fails, and a cycle in flight then runs to its end. Until then two replicas may
 * both act. Conditional state transitions and the runner's exclusive `started` marker keep
 * that overlap from starting any attempt twice.
 */
export class AdvisoryLockElection implements LeaderElection {
  private readonly log: Logger;
  private readonly retryMs: number;
  private readonly lockKey: number;
  private client: pg.Client | null = null;
  private current: SchedulerRole = 'follower';
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Every change of role runs through this chain, so an election and a loss never interleave. */
  private steps: Promise<void> = Promise.resolve();
  private unreachableLogged = false;

  constructor(private readonly options: AdvisoryLockElectionOptions) {
    this.log = options.logger.child({ component: 'leader-election' });
    this.retryMs = options.retryMs ?? DEFAULT_LEADER_RETRY_MS;
    this.lockKey = options.lockKey ?? SCHEDULER_LOCK_KEY;
  }

  role(): SchedulerRole {
    return this.current;
  }

  /** Tries the lock once now, then keeps trying (as follower) or checking it (as leader) every `retryMs`. */
  async start(): Promise<void> {
    this.stopped = false;
    this.log.info({ lockKey: this.lockKey, retryMs: this.retryMs }, 'leader election started; this replica is a follower until it holds the scheduler lock');
    await this.enqueue(() => this.tick());
    this.scheduleTick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.enqueue(async () => {
      await this.resign('this replica is shutting down');
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => undefined);
    });
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.enqueue(() => this.tick()).finally(() => this.scheduleTick());
    }, this.retryMs);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.steps.then(step).catch((error: unknown) => {
      this.log.error({ err: error, role: this.current }, 'leader election step failed; retrying at the next interval');
    });
    this.steps = next;
    return next;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.current === 'leader') {
      await this.checkLockHeld();
      return;
    }

    const client = await this.connect();
    if (client === null) return;
    const result = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS acquired', [this.lockKey]);
    if (result.rows[0]?.acquired !== true) return;

    this.current = 'leader';
    this.log.info({ lockKey: this.lockKey }, 'elected leader: this replica holds the scheduler lock and starts scheduling');
    try {
      await this.options.hooks.onElected();
    } catch (error) {
      this.log.error({ err: error }, 'scheduling could not start after the election; giving the lock up and trying again later');
      await this.resign('scheduling could not start');
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey]).catch(() => undefined);
    }
  }

  /** Returns the lock connection, opening it if needed, or null when the database cannot be reached. */
  private async connect(): Promise<pg.Client | null> {
    if (this.client !== null) return this.client;

    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: LOCK_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      query_timeout: 10_000,
    });
    // Registered before connecting, because an unhandled 'error' event would end the process.
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, null));
    try {
      await client.connect();
    } catch (error) {
      if (!this.unreachableLogged) {
        this.log.warn({ err: error, retryMs: this.retryMs }, 'could not open the connection for the scheduler lock; retrying');
        this.unreachableLogged = true;
      }
      await client.end().catch(() => undefined);
      return null;
    }
    this.unreachableLogged = false;
    this.client = client;
    return client;
  }

  /**
   * Confirms that this session still holds the lock. A bigint advisory key appears in `pg_locks`
   * with its high half in `classid`, its low half in `objid` and `objsubid` 1.
   */
  private async checkLockHeld(): Promise<void> {
    const client = this.client;
    if (client === null) {
      await this.resign('the lock connection is gone');
      return;
    }
    let held: boolean;
    try {
      const result = await client.query<{ held: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM pg_locks
           WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
             AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid AND objsubid = 1
         ) AS held`,
        [this.lockKey],
      );
      held = result.rows[0]?.held === true;
    } catch (error) {
      this.log.error({ err: error }, 'the lock connection did not answer its check');
      this.client = null;
      await client.end().catch(() => undefined);
      await this.resign('the lock connection did not answer');
      return;
    }
    if (!held) await this.resign('the session no longer holds the scheduler lock');
  }

  private onConnectionLost(client: pg.Client, error: Error | null): void {
    if (client !== this.client) return;
    this.client = null;
    if (this.current === 'leader') {
      this.log.error({ err: error }, 'lost the connection that holds the scheduler lock; stopping scheduling now');
    }
    void this.enqueue(() => this.resign('the lock connection was lost'));
  }

  private async resign(reason: string): Promise<void> {
    if (this.current === 'follower') return;
    this.current = 'follower';
    await this.options.hooks.onDeposed();
    this.log.warn({ reason }, 'now a follower: scheduling stopped');
  }
}

import type { Server } from 'node:http';
import path from 'node:path';
import type { Knex } from 'knex';
import { createApp } from './api/app.js';
import { startAuthentication } from './auth/start.js';
import type { ServiceConfig } from './config.js';
import type { Executor } from './executors/executor.js';
import { LocalExecutor } from './executors/local/local-executor.js';
import { SparkExecutor } from './executors/spark/spark-executor.js';
import { sparkCapacitySource } from './executors/spark/cluster-capacity.js';
import { SparkWarmPool } from './executors/spark/spark-warm-pool.js';
import { registerSparkWarmMetrics } from './executors/spark/spark-warm-metrics.js';
import { createWarmServices } from './executors/local/warm-services.js';
import { registerCapacityMetrics } from './scheduler/capacity-metrics.js';
import type { Logger } from './logger.js';
import { fifoPolicy } from './policy/fifo.js';
import { inspectingAnalyzer } from './preflight/inspecting-analyzer.js';
import { loadPreflightSettings } from './preflight/settings.js';
import { fixedPolicy, storedDofcPolicy, type PolicySource } from './scheduler/policy-source.js';
import { ServiceMetrics } from './observe/metrics.js';
import { Scheduler } from './scheduler/scheduler.js';
import { AdvisoryLockElection, singleProcessLeader, type LeaderElection, type LeadershipHooks } from './scheduler/leader.js';
import { openDatabase } from './store/database.js';
import { VERSION } from './version.js';

export interface RunningService {
  url: string;
  db: Knex;
  scheduler: Scheduler;
  /** Decides whether this replica runs the scheduling loop; every replica serves the API. */
  election: LeaderElection;
  /** Stop accepting requests and stop scheduling. Runners keep running and are found again on restart. */
  close(): Promise<void>;
}

/** Open the store, recover, start the scheduling loop and serve the API. */
export async function startService(
  config: ServiceConfig,
  logger: Logger,
  policy: PolicySource = config.policy === 'fifo' ? fixedPolicy(fifoPolicy()) : storedDofcPolicy(logger),
): Promise<RunningService> {
  const db = await openDatabase(config.store);
  const jobsDir = path.join(config.dataDir, 'jobs');
  const metrics = new ServiceMetrics(db);
  const warm = createWarmServices({ ...config, executor: config.spark !== null ? 'spark' : 'local' }, db, metrics.registry, logger);
  // NOTE: like the warm kernel pool, warm Spark drivers start in every replica, a follower's too.
  const sparkWarmPool =
    config.spark !== null && config.sparkWarm.drivers > 0
      ? new SparkWarmPool({ dir: path.join(config.dataDir, 'spark-warm'), settings: config.spark, warm: config.sparkWarm, logger })
      : null;
  if (sparkWarmPool !== null) registerSparkWarmMetrics(metrics.registry, sparkWarmPool);
  const executor: Executor =
    config.spark !== null
      ? new SparkExecutor({ jobsDir, settings: config.spark, logger, warmPool: sparkWarmPool })
      : new LocalExecutor({ jobsDir, python: config.python, logger, ...warm.launch });
  // With Spark the scheduler plans with the master's alive workers minus foreign applications.
  const capacitySource = executor instanceof SparkExecutor ? sparkCapacitySource(() => executor.readClusterLoad(), config.capacity, logger) : null;
  registerCapacityMetrics(metrics.registry, config.capacity, capacitySource);
  const scheduler = new Scheduler({
    db,
    metrics,
    executor,
    policy,
    analyzer: inspectingAnalyzer({ db, settings: loadPreflightSettings(config.python), now: () => new Date(), capacity: config.capacity }),
    capacity: config.capacity,
    capacitySource: capacitySource ?? undefined,
    logger,
    killGraceMs: config.killGraceS * 1000,
    pauseGraceMs: config.pauseGraceS * 1000,
    cellLatency: config.cellLatency,
  });
  const leadership: LeadershipHooks = {
    onElected: () => scheduler.start(config.tickMs),
    onDeposed: () => scheduler.stop(),
  };
  // PGlite is opened by one process only, so that process always leads.
  const election: LeaderElection =
    config.store.kind === 'postgres'
      ? new AdvisoryLockElection({ url: config.store.url, hooks: leadership, logger })
      : singleProcessLeader(leadership);
  const authenticator = await startAuthentication(db, config.auth).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  const app = createApp({
    authenticator,
    schedulerRole: () => election.role(),
    db,
    metrics,
    capacity: config.capacity,
    capacitySource: capacitySource ?? undefined,
    policy,
    executor,
    logger,
    now: () => new Date(),
    onJobsChanged: () => scheduler.wake(),
    cellLatency: config.cellLatency,
    hotSet: warm.hotSet ?? undefined,
    submitRateLimit: config.submitRateLimit,
    version: VERSION,
  });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
  } catch (error) {
    await db.destroy();
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new Error(
      inUse
        ? `port ${config.port} on ${config.host} is already in use; stop the other process or choose another port with --port or DOFC_PORT`
        : `could not listen on ${config.host}:${config.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  // The scheduler starts only once the port is ours, so a second copy started by mistake runs nothing.
  // On PostgreSQL only the replica holding the advisory lock schedules; the others wait as followers.
  await election.start();
  warm.start();
  await sparkWarmPool?.start();

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info(
    { url, role: election.role(), store: config.store.kind, dataDir: config.dataDir, capacity: config.capacity, policy: policy.name },
    'DOFC scheduler listening',
  );

  return {
    url,
    db,
    scheduler,
    election,
    async close() {
      // Followers of a log keep their connection open, so close connections instead of waiting for them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await election.stop();
      await scheduler.stop();
      await warm.close();
      await sparkWarmPool?.stop();
      await db.destroy();
    },
  };
}

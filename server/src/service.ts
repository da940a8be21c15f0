import type { Server } from 'node:http';
import path from 'node:path';
import type { Knex } from 'knex';
import { createApp } from './api/app.js';
import type { ServiceConfig } from './config.js';
import type { Executor } from './executors/executor.js';
import { LocalExecutor } from './executors/local/local-executor.js';
import { SparkExecutor } from './executors/spark/spark-executor.js';
import type { Logger } from './logger.js';
import { fifoPolicy } from './policy/fifo.js';
import { inspectingAnalyzer } from './preflight/inspecting-analyzer.js';
import { loadPreflightSettings } from './preflight/settings.js';
import { fixedPolicy, storedDofcPolicy, type PolicySource } from './scheduler/policy-source.js';
import { ServiceMetrics } from './observe/metrics.js';
import { Scheduler } from './scheduler/scheduler.js';
import { openDatabase } from './store/database.js';
import { VERSION } from './version.js';

export interface RunningService {
  url: string;
  db: Knex;
  scheduler: Scheduler;
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
  const executor: Executor =
    config.spark !== null
      ? new SparkExecutor({ jobsDir, settings: config.spark, logger })
      : new LocalExecutor({ jobsDir, python: config.python, logger });
  const metrics = new ServiceMetrics(db);
  const scheduler = new Scheduler({
    db,
    metrics,
    executor,
    policy,
    analyzer: inspectingAnalyzer({ db, settings: loadPreflightSettings(config.python), now: () => new Date() }),
    capacity: config.capacity,
    logger,
    killGraceMs: config.killGraceS * 1000,
  });
  const app = createApp({
    db,
    metrics,
    capacity: config.capacity,
    executor,
    logger,
    now: () => new Date(),
    onJobsChanged: () => scheduler.wake(),
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
  // TODO: take a PostgreSQL advisory lock so that only one replica schedules at a time.
  await scheduler.start(config.tickMs);

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info(
    { url, store: config.store.kind, dataDir: config.dataDir, capacity: config.capacity, policy: policy.name },
    'DOFC scheduler listening',
  );

  return {
    url,
    db,
    scheduler,
    async close() {
      // Followers of a log keep their connection open, so close connections instead of waiting for them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await scheduler.stop();
      await db.destroy();
    },
  };
}

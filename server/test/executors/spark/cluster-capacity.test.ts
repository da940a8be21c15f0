import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { JobView } from '../../../src/contract/job-view.js';
import { signalGroup } from '../../../src/executors/local/process-liveness.js';
import { loadSparkSettings } from '../../../src/executors/spark/spark-settings.js';
import { createLogger } from '../../../src/logger.js';
import { ClusterCapacitySource, type CapacityReading } from '../../../src/scheduler/capacity-source.js';
import { apiFetch, getJob, postJson, startTestService, type TestService } from '../../support/service.js';
import { storeKindUnderTest } from '../../support/test-store.js';
import { startSparkCluster, type TestSparkCluster } from './spark-cluster.js';

const CONFIGURED = { cores: 64, memGb: 256 };

function reading(cores: number): Omit<CapacityReading, 'at'> {
  return { capacity: { cores, memGb: cores * 2 }, total: { cores, memGb: cores * 2 }, foreign: { cores: 0, memGb: 0 }, aliveWorkers: 1 };
}

describe('ClusterCapacitySource', () => {
  const logger = createLogger('silent');

  it('plans with the configured capacity before the first reading', async () => {
    const source = new ClusterCapacitySource({ read: async () => null, fallback: CONFIGURED, maxAgeMs: 0, logger });

    expect(await source.current()).toEqual(CONFIGURED);
  });

  it('keeps the last reading when the master stops answering', async () => {
    const answers = [reading(4), new Error('connection refused')];
    const source = new ClusterCapacitySource({
      read: async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next ?? null;
      },
      fallback: CONFIGURED,
      maxAgeMs: 0,
      logger,
    });

    expect((await source.current()).cores).toBe(4);
    expect((await source.current()).cores).toBe(4);
  });

  it('reuses a reading younger than its maximum age', async () => {
    let reads = 0;
    let now = 0;
    const source = new ClusterCapacitySource({ read: async () => reading(++reads), fallback: CONFIGURED, maxAgeMs: 1_000, logger, now: () => now });

    await source.current();
    now = 999;
    expect((await source.current()).cores).toBe(1);
    now = 1_000;
    expect((await source.current()).cores).toBe(2);
  });
});

// One cluster at a time fits this machine, and the CI runs the Spark files in the PGlite pass only.
const onPostgres = storeKindUnderTest() === 'postgres';
const QUICK_JVM = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** A PySpark application that DOFC did not start. It uses one core until its stdin closes. */
const OUTSIDE_APPLICATION = `
import sys
from pyspark.sql import SparkSession
session = (SparkSession.builder.master(sys.argv[1]).appName("nightly-etl")
    .config("spark.cores.max", "1").config("spark.executor.memory", "512m")
    .config("spark.driver.extraJavaOptions", "${QUICK_JVM}").config("spark.executor.extraJavaOptions", "${QUICK_JVM}")
    .config("spark.ui.enabled", "false").getOrCreate())
print("started", flush=True)
sys.stdin.read()
session.stop()
`;

/**
 * The scheduler's capacity on a real standalone master with two workers of one core and 1 GiB
 * each (scripts/spark-cluster.sh). The tests run in order on one cluster.
 */
describe.skipIf(onPostgres)('capacity from a standalone cluster', () => {
  let cluster: TestSparkCluster;
  let service: TestService;
  let outside: ChildProcess | null = null;
  let waiting: JobView | null = null;

  async function metric(series: string): Promise<number | null> {
    const text = await (await apiFetch(service.url, '/metrics')).text();
    const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
    return line === undefined ? null : Number(line.slice(series.length + 1));
  }

  /** Wait until every series has its expected value, as the scheduler's last reading shows it. */
  async function waitForMetrics(expected: Record<string, number>, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const actual = Object.fromEntries(await Promise.all(Object.keys(expected).map(async (series) => [series, await metric(series)])));
      if (Object.entries(expected).every(([series, value]) => actual[series] === value)) return;
      if (Date.now() > deadline) throw new Error(`metrics are ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}, after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    cluster = await startSparkCluster();
    service = await startTestService({
      // Far above the cluster, so that only a reading of the master can bring the capacity down.
      capacity: CONFIGURED,
      spark: loadSparkSettings({ DOFC_SPARK_MASTER: cluster.master, DOFC_SPARK_MASTER_UI: cluster.webUrl }, loadConfig({}).python),
    });
  }, 120_000);

  afterAll(async () => {
    if (outside?.pid !== undefined) signalGroup(outside.pid, 'SIGKILL');
    if (waiting !== null) await postJson(service.url, `/jobs/${waiting.job_id}/cancel`, {});
    await service?.stopAndDrop();
    await cluster?.stop();
  });

  it('capacity is the alive workers', async () => {
    await waitForMetrics({ dofc_capacity_cores: 2, dofc_capacity_memory_gb: 2, dofc_cluster_alive_workers: 2, dofc_cluster_foreign_cores: 0 });
  });

  it('an outside application counts as load', async () => {
    const python = loadConfig({}).python;
    outside = spawn(python, ['-c', OUTSIDE_APPLICATION, cluster.master], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, SPARK_LOCAL_IP: '127.0.0.1', PYSPARK_PYTHON: python },
    });

    await waitForMetrics({ dofc_cluster_foreign_cores: 1, dofc_capacity_cores: 1, dofc_capacity_memory_gb: 1.5 });

    outside.stdin?.end();
    await waitForMetrics({ dofc_cluster_foreign_cores: 0, dofc_capacity_cores: 2 });
  }, 120_000);

  it('a killed worker takes its cores away', async () => {
    process.kill(cluster.workerPid(2), 'SIGKILL');

    await waitForMetrics({ dofc_cluster_alive_workers: 1, dofc_capacity_cores: 1, dofc_capacity_memory_gb: 1 });
  }, 120_000);

  it('jobs wait for the capacity the master reports', async () => {
    // Two cores fit the configured 64 but not the one core left, so only the master's reading keeps it waiting.
    const response = await postJson(service.url, '/jobs', {
      owner: 'ana',
      source: { kind: 'script', content: 'print("never runs")' },
      max_executors: 2,
      cores_per_executor: 1,
      mem_per_executor_gb: 0.25,
    });
    expect(response.status, await response.clone().text()).toBe(201);
    waiting = (await response.json()) as JobView;

    const deadline = Date.now() + 60_000;
    while ((await getJob(service.url, waiting.job_id)).state !== 'queued') {
      if (Date.now() > deadline) throw new Error(`job ${waiting.job_id} never reached the queue`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Several scheduling cycles (200 ms each) decide on it.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const job = await getJob(service.url, waiting.job_id);

    expect(job.state).toBe('queued');
    expect(job.reason?.code).not.toBe('queued');
  }, 90_000);
});

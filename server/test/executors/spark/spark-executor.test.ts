import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { JobView } from '../../../src/contract/job-view.js';
import { signalGroup } from '../../../src/executors/local/process-liveness.js';
import { findDriverApi, readDriverSparkProperties } from '../../../src/executors/spark/driver-ui.js';
import { findActiveApplication, readMasterState, type MasterApplication } from '../../../src/executors/spark/master-client.js';
import { applicationName } from '../../../src/executors/spark/spark-conf.js';
import { SPARK_ATTEMPT_FILE } from '../../../src/executors/spark/spark-executor.js';
import { loadSparkSettings } from '../../../src/executors/spark/spark-settings.js';
import { getJob, postJson, startTestService, waitForState, type TestService } from '../../support/service.js';
import { missingDataMessage, sharedDataPath } from '../../support/shared-data.js';
import { storeKindUnderTest } from '../../support/test-store.js';
import { eventually, startSparkCluster, type TestSparkCluster } from './spark-cluster.js';

const PROGRAM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'programs', 'skewed_join.py');
const GROUP_BY_NOTEBOOK = 'runnable/tirthajyoti-spark-with-python/GroupBy_aggregrate.ipynb';
const groupByNotebook = sharedDataPath(GROUP_BY_NOTEBOOK);

// The Spark executor does not touch the store, so the suite runs once, in the PGlite pass, to
// keep the CI's second (PostgreSQL) pass from paying for a second cluster.
const onPostgres = storeKindUnderTest() === 'postgres';

const QUICK_JVM = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * One cluster (two workers of one core each) runs three jobs at once: a Spark program held to
 * one core, the GroupBy notebook with its own `SparkSession.builder...getOrCreate()`, and a
 * program that is cancelled. The tests run in order and share these jobs.
 */
describe.skipIf(onPostgres)('Spark executor on a standalone cluster', () => {
  let cluster: TestSparkCluster;
  let service: TestService;
  let program: JobView;
  let notebook: JobView | null = null;
  let doomed: JobView;
  /** Every DOFC application the master listed, sampled every 250 ms while the jobs run. */
  const samples: MasterApplication[] = [];
  let sampler: NodeJS.Timeout | undefined;

  async function submit(owner: string, source: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', {
      owner,
      source,
      max_executors: 1,
      cores_per_executor: 1,
      mem_per_executor_gb: 0.5,
      ...extra,
    }, {}, owner);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as JobView;
  }

  async function activeApplication(job: JobView): Promise<MasterApplication | null> {
    return findActiveApplication(await readMasterState(cluster.webUrl), applicationName(job.job_id, 1));
  }

  beforeAll(async () => {
    cluster = await startSparkCluster();
    service = await startTestService({
      // Generous, so that admission never delays a job, because the cluster's ceilings are under test here.
      capacity: { cores: 8, memGb: 16 },
      spark: loadSparkSettings(
        {
          DOFC_SPARK_MASTER: cluster.master,
          DOFC_SPARK_MASTER_UI: cluster.webUrl,
          // Short-lived JVMs on a two-core machine start faster without the optimising JIT compiler.
          DOFC_SPARK_CONF: JSON.stringify({
            'spark.driver.extraJavaOptions': QUICK_JVM,
            'spark.executor.extraJavaOptions': QUICK_JVM,
          }),
        },
        loadConfig({}).python,
      ),
    });

    // Separate owners, because the heavy pool runs one job per user at a time.
    program = await submit('ana', { kind: 'script', path: PROGRAM }, { parameters: { tasks: 8, task_s: 1 } });
    if (groupByNotebook !== null) notebook = await submit('ben', { kind: 'notebook', path: groupByNotebook });
    doomed = await submit('cyd', { kind: 'script', path: PROGRAM }, { parameters: { tasks: 1, task_s: 600 } });

    sampler = setInterval(() => {
      readMasterState(cluster.webUrl)
        .then((state) => samples.push(...state.activeapps.filter((app) => app.name.startsWith('dofc-job-'))))
        .catch(() => undefined);
    }, 250);
  }, 120_000);

  afterAll(async () => {
    clearInterval(sampler);
    // The service leaves runners running when it stops, so a failed test would leave drivers behind.
    const running = (await service?.db('job_attempts').whereNull('ended_at').whereNotNull('pid')) ?? [];
    for (const attempt of running as { pid: number }[]) signalGroup(attempt.pid, 'SIGKILL');
    await service?.stopAndDrop();
    await cluster?.stop();
  });

  it('cancel removes the application from the master', async () => {
    const app = await eventually('the cancelled job registering with the master', () => activeApplication(doomed));

    const response = await postJson(service.url, `/jobs/${doomed.job_id}/cancel`, {}, {}, 'cyd');
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    const cancelled = await waitForState(service.url, doomed.job_id, undefined, 60_000, 'cyd');
    expect(cancelled.state).toBe('cancelled');

    const state = await readMasterState(cluster.webUrl);
    expect(state.activeapps.map((active) => active.id)).not.toContain(app.id);
    expect(state.completedapps.find((completed) => completed.id === app.id)?.state).toBe('KILLED');
  }, 120_000);

  it('application environment carries the ceiling and AQE', async () => {
    const record = JSON.parse(readFileSync(path.join(service.config.dataDir, 'jobs', String(program.job_id), 'attempt-1', SPARK_ATTEMPT_FILE), 'utf8')) as {
      uiPort: number;
    };
    const properties = await eventually('the driver REST API answering', async () => {
      const api = await findDriverApi('127.0.0.1', record.uiPort, applicationName(program.job_id, 1));
      return api === null ? null : readDriverSparkProperties(api);
    });

    expect(properties.get('spark.master')).toBe(cluster.master);
    expect(properties.get('spark.cores.max')).toBe('1');
    expect(properties.get('spark.executor.cores')).toBe('1');
    expect(properties.get('spark.executor.memory')).toBe('512m');
    expect(properties.get('spark.sql.adaptive.enabled')).toBe('true');
    expect(properties.get('spark.sql.adaptive.skewJoin.enabled')).toBe('true');
    expect(properties.get('spark.sql.adaptive.coalescePartitions.enabled')).toBe('true');
    expect(properties.get('spark.eventLog.dir')).toContain(`/jobs/${program.job_id}/attempt-1/`);
  }, 120_000);

  it('running job reports live task progress', async () => {
    const live = await eventually('task progress from the driver REST API', async () => {
      const job = await getJob(service.url, program.job_id);
      return job.state === 'running' && job.progress?.unit === 'tasks' ? job.progress : null;
    });

    expect(live.total).toBeGreaterThan(0);
    expect(live.detail).toMatch(/^Spark jobs \d+\/\d+; stages \d+\/\d+; shuffle read/);
  }, 120_000);

  it('program survives losing its worker', async () => {
    const app = await eventually('the program getting an executor', async () => {
      const active = await activeApplication(program);
      return active !== null && active.cores > 0 ? active : null;
    });
    const worker = await eventually('the worker of the program found', () => cluster.workerOf(app.id));
    process.kill(cluster.workerPid(worker), 'SIGKILL');

    const finished = await waitForState(service.url, program.job_id, undefined, 150_000);
    expect(finished.state, finished.reason?.message).toBe('succeeded');
    expect(finished.progress?.unit).toBe('tasks');
    expect(finished.progress?.total).toBeGreaterThanOrEqual(8);
    expect(finished.progress?.done).toBe(finished.progress?.total);
  }, 180_000);

  it('master never shows an application above its ceiling', () => {
    const programSamples = samples.filter((app) => app.name === applicationName(program.job_id, 1));
    expect(programSamples.length).toBeGreaterThan(0);
    expect(Math.max(...samples.map((app) => app.cores))).toBe(1);
  });

  it.skipIf(groupByNotebook === null)('notebook with its own session runs on the cluster', async () => {
    const finished = await waitForState(service.url, (notebook as JobView).job_id, undefined, 150_000, 'ben');
    expect(finished.state, finished.reason?.message).toBe('succeeded');
    expect(finished.progress?.total).toBeGreaterThan(0);
    expect(finished.progress?.done).toBe(finished.progress?.total);
  }, 180_000);

  it.runIf(groupByNotebook === null)('notebook skipped without shared data', () => {
    console.warn(missingDataMessage(GROUP_BY_NOTEBOOK));
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { JobView } from '../../../src/contract/job-view.js';
import { signalGroup } from '../../../src/executors/local/process-liveness.js';
import { readEventLogWork } from '../../../src/executors/spark/event-log.js';
import { clusterLoad, findActiveApplication, readMasterState } from '../../../src/executors/spark/master-client.js';
import { readAttemptRecord, type SparkAttemptRecord } from '../../../src/executors/spark/spark-attempt-record.js';
import { EVENT_LOG_DIR, isDofcApplicationName } from '../../../src/executors/spark/spark-conf.js';
import { loadSparkSettings } from '../../../src/executors/spark/spark-settings.js';
import type { SparkWarmSettings } from '../../../src/executors/spark/spark-warm-settings.js';
import { startSchedulerProcess, type SchedulerProcess } from '../../support/scheduler-process.js';
import { apiFetch, getJob, inlineNotebookJob, postJson, startTestService, waitForState, type TestService } from '../../support/service.js';
import { storeKindUnderTest } from '../../support/test-store.js';
import { eventually, startSparkCluster, type TestSparkCluster } from './spark-cluster.js';

// The executor does not touch the store, so the suite runs in the PGlite pass only, as the cold Spark suite does.
const onPostgres = storeKindUnderTest() === 'postgres';

const QUICK_JVM = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
const SPARK_CONF = { 'spark.driver.extraJavaOptions': QUICK_JVM, 'spark.executor.extraJavaOptions': QUICK_JVM };
/** The test workers have 1 GiB each, so the warm drivers' executors get half of that. */
const WARM: SparkWarmSettings = { drivers: 1, allocation: { maxExecutors: 1, coresPerExecutor: 1, memPerExecutorGb: 0.5 } };
const FITTING = { max_executors: 1, cores_per_executor: 1, mem_per_executor_gb: 0.5 };

/** Read one sample of a Prometheus text exposition, or null when it is absent. */
function metricValue(metrics: string, series: string): number | null {
  const line = metrics.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

async function readyDrivers(url: string): Promise<number | null> {
  return metricValue(await (await apiFetch(url, '/metrics')).text(), 'dofc_spark_warm_drivers{state="ready"}');
}

async function waitForReadyDriver(url: string): Promise<void> {
  await eventually('a warm driver becoming ready', async () => ((await readyDrivers(url)) === 1 ? true : null), 180_000);
}

/** Builds a submission of a notebook saved in `folder`, sent with its path so `folder` is the working folder. */
function notebookInFolder(folder: string, cells: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const job = inlineNotebookJob(cells, { ...FITTING, ...extra });
  const source = job['source'] as { kind: string; content: string };
  const notebookPath = path.join(folder, 'warm.ipynb');
  writeFileSync(notebookPath, source.content);
  return { ...job, source: { ...source, path: notebookPath } };
}

/** Returns the text each code cell printed to stdout, from the executed notebook. */
function cellOutputs(attemptDir: string): string[] {
  const notebook = JSON.parse(readFileSync(path.join(attemptDir, 'output.ipynb'), 'utf8')) as {
    cells: { outputs?: { name?: string; text?: string | string[] }[] }[];
  };
  return notebook.cells.map((cell) =>
    (cell.outputs ?? [])
      .filter((output) => output.name === 'stdout')
      .map((output) => (Array.isArray(output.text) ? output.text.join('') : (output.text ?? '')))
      .join(''),
  );
}

function runnerEvents(attemptDir: string): { event: string; warm?: boolean }[] {
  return readFileSync(path.join(attemptDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { event: string; warm?: boolean });
}

describe.skipIf(onPostgres)('warm Spark drivers on a standalone cluster', () => {
  let cluster: TestSparkCluster;
  let workdir: string;

  beforeAll(async () => {
    cluster = await startSparkCluster();
    workdir = mkdtempSync(path.join(os.tmpdir(), 'dofc-warm-spark-work-'));
    writeFileSync(path.join(workdir, 'data.csv'), 'a,b\n1,2\n3,4\n5,6\n');
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });

  function sparkEnv(): NodeJS.ProcessEnv {
    return { DOFC_SPARK_MASTER: cluster.master, DOFC_SPARK_MASTER_UI: cluster.webUrl, DOFC_SPARK_CONF: JSON.stringify(SPARK_CONF) };
  }

  describe('in the service', () => {
    let service: TestService;
    let job: JobView;
    let attemptDir: string;
    let record: SparkAttemptRecord;

    const attemptDirOf = (jobId: number) => path.join(service.config.dataDir, 'jobs', String(jobId), 'attempt-1');

    async function submit(body: Record<string, unknown>): Promise<JobView> {
      const response = await postJson(service.url, '/jobs', body);
      expect(response.status, await response.clone().text()).toBe(201);
      return (await response.json()) as JobView;
    }

    beforeAll(async () => {
      service = await startTestService({
        // Generous, so that admission never delays a job, because the cluster is under test here.
        capacity: { cores: 8, memGb: 16 },
        spark: loadSparkSettings(sparkEnv(), loadConfig({}).python),
        sparkWarm: WARM,
      });
    }, 120_000);

    afterAll(async () => {
      const running = (await service?.db('job_attempts').whereNull('ended_at').whereNotNull('pid')) ?? [];
      for (const attempt of running as { pid: number }[]) signalGroup(attempt.pid, 'SIGKILL');
      await service?.stopAndDrop();
    });

    it('idle warm driver holds no cores', async () => {
      await waitForReadyDriver(service.url);

      const state = await readMasterState(cluster.webUrl);
      const warmApps = state.activeapps.filter((app) => app.name.startsWith('dofc-warm-'));
      expect(warmApps).toHaveLength(1);
      expect(warmApps[0]?.cores).toBe(0);
      const load = clusterLoad(state, isDofcApplicationName);
      expect(load.foreignCores).toBe(0);
      expect(load.foreignMemGb).toBe(0);
      expect(load.available.cores).toBe(2);
      const metrics = await (await apiFetch(service.url, '/metrics')).text();
      expect(metricValue(metrics, 'dofc_cluster_foreign_cores')).toBe(0);
    }, 240_000);

    it('Light notebook starts on the warm driver', async () => {
      job = await submit(
        notebookInFolder(
          workdir,
          [
            'import json, os\nprint(json.dumps({"cwd": os.getcwd(), "job": os.environ["DOFC_JOB_ID"], "parameters": os.environ["DOFC_PARAMETERS"]}))',
            'print("rows", spark.read.csv("data.csv", header=True).count())',
            [
              'conf = spark.sparkContext.getConf()',
              'keys = ["spark.cores.max", "spark.executor.memory", "spark.sql.adaptive.enabled", "spark.sql.adaptive.skewJoin.enabled",',
              '        "spark.sql.adaptive.coalescePartitions.enabled", "spark.eventLog.enabled", "spark.eventLog.compress",',
              '        "spark.dynamicAllocation.enabled", "spark.dynamicAllocation.minExecutors", "spark.dynamicAllocation.shuffleTracking.enabled"]',
              'print(json.dumps({key: conf.get(key, None) for key in keys}))',
            ].join('\n'),
            'print(spark.sparkContext.getCheckpointDir())',
            'spark.range(5).write.saveAsTable("numbers")',
          ],
          { label: 'L', parameters: { run: 'warm' } },
        ),
      );
      attemptDir = attemptDirOf(job.job_id);

      const finished = await waitForState(service.url, job.job_id, undefined, 240_000);

      expect(finished.state, finished.reason?.message).toBe('succeeded');
      record = await readAttemptRecord(attemptDir);
      expect(record.warmSlotDir).toBeDefined();
      expect(record.appName).toMatch(/^dofc-warm-/);
      expect(runnerEvents(attemptDir).find((event) => event.event === 'kernel')?.warm).toBe(true);
    }, 300_000);

    it('warm attempt runs in the job folder and environment', () => {
      const [identity, rows] = cellOutputs(attemptDir);

      const seen = JSON.parse(identity as string) as { cwd: string; job: string; parameters: string };
      expect(seen.cwd).toBe(workdir);
      expect(seen.job).toBe(String(job.job_id));
      expect(JSON.parse(seen.parameters)).toEqual({ run: 'warm' });
      // A relative path read by Spark resolves against the working folder, as with a cold driver started there.
      expect(rows?.trim()).toBe('rows 3');
    });

    it('warm application has the interactive ceiling and AQE', () => {
      const conf = JSON.parse(cellOutputs(attemptDir)[2] as string) as Record<string, string | null>;

      expect(conf).toEqual({
        'spark.cores.max': '1',
        'spark.executor.memory': '512m',
        'spark.sql.adaptive.enabled': 'true',
        'spark.sql.adaptive.skewJoin.enabled': 'true',
        'spark.sql.adaptive.coalescePartitions.enabled': 'true',
        'spark.eventLog.enabled': 'true',
        'spark.eventLog.compress': 'false',
        'spark.dynamicAllocation.enabled': 'true',
        'spark.dynamicAllocation.minExecutors': '0',
        'spark.dynamicAllocation.shuffleTracking.enabled': 'true',
      });
    });

    it('warm attempt keeps checkpoints, tables and event log with the job', async () => {
      const jobDir = path.dirname(attemptDir);
      expect(cellOutputs(attemptDir)[3]).toContain(`${path.join(jobDir, 'checkpoints')}/`);
      expect(existsSync(path.join(jobDir, 'spark-warehouse', 'numbers'))).toBe(true);

      const work = await readEventLogWork(path.join(attemptDir, EVENT_LOG_DIR));
      expect(work?.jobsTotal).toBeGreaterThan(0);
      const finished = await getJob(service.url, job.job_id);
      expect(finished.progress?.unit).toBe('tasks');
      expect(finished.progress?.done).toBe(finished.progress?.total);
    });

    it('warm attempt log has the runner and Spark lines', () => {
      const log = readFileSync(path.join(attemptDir, 'log.txt'), 'utf8');

      expect(log).toContain(`job ${job.job_id} attempt 1 started on warm Spark driver`);
      expect(log).toMatch(/using warm kernel/);
    });

    it('pool replaces the claimed driver', async () => {
      await waitForReadyDriver(service.url);

      const metrics = await (await apiFetch(service.url, '/metrics')).text();
      expect(metricValue(metrics, 'dofc_spark_warm_driver_claims_total{result="warm"}')).toBe(1);
      expect(metricValue(metrics, 'dofc_spark_warm_driver_claims_total{result="cold"}')).toBe(0);
      // The claimed driver's folder is removed once its application ended.
      await eventually('the claimed driver folder being removed', async () => (existsSync(record.warmSlotDir as string) ? null : true), 10_000);
      expect(readdirSync(path.join(service.config.dataDir, 'spark-warm', 'slots'))).toHaveLength(1);
    }, 240_000);

    it('cancel removes the warm application from the master', async () => {
      await waitForReadyDriver(service.url);
      const doomed = await submit(inlineNotebookJob(['spark.range(3).count()', 'import time\ntime.sleep(600)'], { ...FITTING, label: 'L' }));
      const doomedDir = attemptDirOf(doomed.job_id);
      const app = await eventually('the warm application holding an executor for the job', async () => {
        if ((await getJob(service.url, doomed.job_id)).state !== 'running') return null;
        const active = findActiveApplication(await readMasterState(cluster.webUrl), (await readAttemptRecord(doomedDir)).appName);
        return active !== null && active.cores > 0 ? active : null;
      }, 180_000);
      expect(app.name).toMatch(/^dofc-warm-/);

      const response = await postJson(service.url, `/jobs/${doomed.job_id}/cancel`, {});
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      const cancelled = await waitForState(service.url, doomed.job_id, undefined, 60_000);

      expect(cancelled.state).toBe('cancelled');
      const state = await readMasterState(cluster.webUrl);
      expect(state.activeapps.map((active) => active.id)).not.toContain(app.id);
    }, 300_000);

    it('job with another ceiling starts cold', async () => {
      await waitForReadyDriver(service.url);
      const other = await submit(inlineNotebookJob(['print(spark.sparkContext.appName)'], { ...FITTING, max_executors: 2, label: 'L' }));

      const finished = await waitForState(service.url, other.job_id, undefined, 240_000);

      expect(finished.state, finished.reason?.message).toBe('succeeded');
      const otherRecord = await readAttemptRecord(attemptDirOf(other.job_id));
      expect(otherRecord.warmEligible).toBe(false);
      expect(otherRecord.warmSlotDir).toBeUndefined();
      expect(cellOutputs(attemptDirOf(other.job_id))[0]?.trim()).toBe(`dofc-job-${other.job_id}-attempt-1`);
      expect(await readyDrivers(service.url)).toBe(1);
    }, 300_000);
  });

  describe('across a scheduler kill', () => {
    let dataDir: string;
    let scheduler: SchedulerProcess | null = null;

    function env(): Record<string, string> {
      return {
        DOFC_EXECUTOR: 'spark',
        ...(sparkEnv() as Record<string, string>),
        DOFC_SPARK_WARM_DRIVERS: '1',
        DOFC_SPARK_WARM_MEM_PER_EXECUTOR_GB: String(WARM.allocation.memPerExecutorGb),
        DOFC_CORES: '8',
        DOFC_MEMORY_GB: '16',
      };
    }

    beforeAll(() => {
      dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dofc-warm-spark-kill-')), '.dofc');
    });

    afterAll(async () => {
      if (scheduler !== null && scheduler.child.exitCode === null) {
        scheduler.child.kill('SIGTERM');
        await new Promise((resolve) => scheduler?.child.once('exit', resolve));
      }
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    });

    it('claimed driver is re-attached after a kill', async () => {
      const store = { kind: 'pglite' as const, dir: path.join(dataDir, 'db') };
      scheduler = await startSchedulerProcess(dataDir, store, env());
      const url = scheduler.url;
      await waitForReadyDriver(url);
      const response = await postJson(url, '/jobs', inlineNotebookJob(['import time\ntime.sleep(20)', 'print(spark.range(4).count())'], { ...FITTING, label: 'L' }));
      expect(response.status, await response.clone().text()).toBe(201);
      const submitted = (await response.json()) as JobView;
      const attemptDir = path.join(dataDir, 'jobs', String(submitted.job_id), 'attempt-1');
      await waitForState(url, submitted.job_id, new Set(['running']), 120_000);
      expect((await readAttemptRecord(attemptDir)).warmSlotDir).toBeDefined();

      scheduler.child.kill('SIGKILL');
      await new Promise((resolve) => scheduler?.child.once('exit', resolve));
      scheduler = await startSchedulerProcess(dataDir, store, env());
      const finished = await waitForState(scheduler.url, submitted.job_id, undefined, 180_000);

      expect(finished.state, finished.reason?.message).toBe('succeeded');
      expect(finished.attempt).toBe(1);
      const starts = readFileSync(path.join(dataDir, 'jobs', String(submitted.job_id), 'starts.log'), 'utf8').trim().split('\n');
      expect(starts).toHaveLength(1);
      expect(cellOutputs(attemptDir)[1]?.trim()).toBe('4');
    }, 420_000);
  });
});

import { describe, expect, it } from 'vitest';
import { applicationName, sparkConfFor, submitArgv } from '../../../src/executors/spark/spark-conf.js';
import type { SparkSettings } from '../../../src/executors/spark/spark-settings.js';

const BASE: SparkSettings = {
  master: 'spark://127.0.0.1:7077',
  masterWebUrl: 'http://127.0.0.1:8080',
  sparkHome: '/opt/spark',
  python: '/venv/bin/python',
  dynamicAllocation: false,
  checkpointRoot: null,
  extraConf: {},
};

const ATTEMPT = {
  jobId: 7,
  attempt: 2,
  attemptDir: '/data/jobs/7/attempt-2',
  allocation: { pool: 'heavy', maxExecutors: 3, coresPerExecutor: 2, memPerExecutorGb: 1.5 },
  uiPort: 45000,
};

describe('sparkConfFor', () => {
  const cases: { rule: string; settings: Partial<SparkSettings>; present: Record<string, string>; absent: string[] }[] = [
    {
      rule: 'standalone caps total cores at executors times cores',
      settings: {},
      present: { 'spark.cores.max': '6', 'spark.executor.cores': '2', 'spark.executor.memory': '1536m' },
      absent: ['spark.yarn.queue', 'spark.dynamicAllocation.enabled', 'spark.executor.instances'],
    },
    {
      rule: 'dynamic allocation caps the executor count',
      settings: { dynamicAllocation: true },
      present: { 'spark.dynamicAllocation.enabled': 'true', 'spark.dynamicAllocation.maxExecutors': '3', 'spark.cores.max': '6' },
      absent: [],
    },
    {
      rule: 'YARN runs the job in its pool queue',
      settings: { master: 'yarn', masterWebUrl: null },
      present: { 'spark.yarn.queue': 'heavy', 'spark.executor.instances': '3' },
      absent: ['spark.cores.max', 'spark.kubernetes.namespace'],
    },
    {
      rule: 'Kubernetes runs the job in its pool namespace',
      settings: { master: 'k8s://https://10.0.0.1:6443', masterWebUrl: null },
      present: { 'spark.kubernetes.namespace': 'heavy', 'spark.executor.instances': '3' },
      absent: ['spark.cores.max', 'spark.yarn.queue'],
    },
    {
      rule: 'AQE, skew join and coalescing are always on',
      settings: {},
      present: {
        'spark.sql.adaptive.enabled': 'true',
        'spark.sql.adaptive.skewJoin.enabled': 'true',
        'spark.sql.adaptive.coalescePartitions.enabled': 'true',
      },
      absent: [],
    },
    {
      rule: 'event log stays in the attempt folder',
      settings: {},
      present: {
        'spark.eventLog.enabled': 'true',
        'spark.eventLog.dir': 'file:///data/jobs/7/attempt-2/spark-events',
        'spark.checkpoint.dir': 'file:///data/jobs/7/checkpoints',
        'spark.app.name': 'dofc-job-7-attempt-2',
        'spark.ui.port': '45000',
      },
      absent: [],
    },
    {
      rule: 'checkpoint root moves checkpoints to shared storage',
      settings: { checkpointRoot: 'hdfs:///dofc/checkpoints/' },
      present: { 'spark.checkpoint.dir': 'hdfs:///dofc/checkpoints/job-7' },
      absent: [],
    },
    {
      rule: 'operator properties never override the ceiling',
      settings: { extraConf: { 'spark.cores.max': '100', 'spark.driver.host': '10.0.0.5' } },
      present: { 'spark.cores.max': '6', 'spark.driver.host': '10.0.0.5' },
      absent: [],
    },
  ];

  it.each(cases)('$rule', ({ settings, present, absent }) => {
    const conf = sparkConfFor({ ...BASE, ...settings }, ATTEMPT);
    for (const [key, value] of Object.entries(present)) expect(conf[key], key).toBe(value);
    for (const key of absent) expect(conf[key], key).toBeUndefined();
  });
});

describe('submitArgv', () => {
  it('passes every property as its own --conf argument', () => {
    const conf = { 'spark.app.name': applicationName(7, 2), 'spark.cores.max': '6' };
    const argv = submitArgv(BASE, conf, '/repo/dofc/spark/driver.py', '/data/jobs/7/attempt-2');

    expect(argv.slice(0, 4)).toEqual(['--master', 'spark://127.0.0.1:7077', '--name', 'dofc-job-7-attempt-2']);
    expect(argv).toContain('spark.cores.max=6');
    expect(argv[argv.indexOf('spark.cores.max=6') - 1]).toBe('--conf');
    expect(argv.slice(-2)).toEqual(['/repo/dofc/spark/driver.py', '/data/jobs/7/attempt-2']);
  });
});

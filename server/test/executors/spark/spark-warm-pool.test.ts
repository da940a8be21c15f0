import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { isDofcApplicationName } from '../../../src/executors/spark/spark-conf.js';
import { loadSparkSettings } from '../../../src/executors/spark/spark-settings.js';
import { SparkWarmPool } from '../../../src/executors/spark/spark-warm-pool.js';
import { loadSparkWarmSettings } from '../../../src/executors/spark/spark-warm-settings.js';
import { warmDriverConf } from '../../../src/executors/spark/warm-driver-conf.js';
import { assignSlot, moveSlotEventLog, readSlotClaim } from '../../../src/executors/spark/warm-slot-files.js';

const settings = loadSparkSettings({ DOFC_SPARK_CONF: JSON.stringify({ 'spark.dynamicAllocation.minExecutors': '2' }) }, loadConfig({}).python);
const warm = loadSparkWarmSettings({});

describe('loadSparkWarmSettings', () => {
  it('defaults to one driver with the JobSpec allocation', () => {
    expect(warm).toEqual({ drivers: 1, allocation: { maxExecutors: 1, coresPerExecutor: 1, memPerExecutorGb: 2 } });
  });

  it.each([
    { name: 'DOFC_SPARK_WARM_DRIVERS', value: '9' },
    { name: 'DOFC_SPARK_WARM_DRIVERS', value: '-1' },
    { name: 'DOFC_SPARK_WARM_MAX_EXECUTORS', value: '0' },
    { name: 'DOFC_SPARK_WARM_CORES_PER_EXECUTOR', value: '1.5' },
    { name: 'DOFC_SPARK_WARM_MEM_PER_EXECUTOR_GB', value: 'lots' },
  ])('rejects $name=$value', ({ name, value }) => {
    expect(() => loadSparkWarmSettings({ [name]: value })).toThrow(`${name}=${JSON.stringify(value)} is invalid`);
  });
});

describe('SparkWarmPool.fits', () => {
  const pool = new SparkWarmPool({ dir: '/unused', settings, warm, logger: createLogger('silent') });
  const allocation = { pool: 'interactive', maxExecutors: 1, coresPerExecutor: 1, memPerExecutorGb: 2 };

  it.each([
    { case: 'an interactive notebook with the drivers allocation', kind: 'notebook', allocation, fits: true },
    { case: 'an interactive cell', kind: 'cell', allocation, fits: true },
    { case: 'a script', kind: 'script', allocation, fits: false },
    { case: 'a heavy notebook', kind: 'notebook', allocation: { ...allocation, pool: 'heavy' }, fits: false },
    { case: 'more executors', kind: 'notebook', allocation: { ...allocation, maxExecutors: 2 }, fits: false },
    { case: 'more cores per executor', kind: 'notebook', allocation: { ...allocation, coresPerExecutor: 2 }, fits: false },
    { case: 'less memory', kind: 'notebook', allocation: { ...allocation, memPerExecutorGb: 1 }, fits: false },
    { case: 'no allocation', kind: 'notebook', allocation: undefined, fits: false },
  ] as const)('$case: $fits', ({ kind, allocation: requested, fits }) => {
    expect(pool.fits({ kind, allocation: requested })).toBe(fits);
  });

  it('no fit when the pool is off', () => {
    const off = new SparkWarmPool({ dir: '/unused', settings, warm: { ...warm, drivers: 0 }, logger: createLogger('silent') });
    expect(off.fits({ kind: 'notebook', allocation })).toBe(false);
  });
});

describe('warmDriverConf', () => {
  const conf = warmDriverConf(settings, { name: '17-abc', dir: '/data/spark-warm/slots/17-abc', uiPort: 4100 }, warm.allocation);

  it('starts with no executors whatever the extra conf says', () => {
    expect(conf['spark.dynamicAllocation.enabled']).toBe('true');
    expect(conf['spark.dynamicAllocation.minExecutors']).toBe('0');
    expect(conf['spark.dynamicAllocation.initialExecutors']).toBe('0');
    expect(conf['spark.dynamicAllocation.shuffleTracking.enabled']).toBe('true');
  });

  it('keeps the interactive ceiling and AQE', () => {
    expect(conf['spark.cores.max']).toBe('1');
    expect(conf['spark.dynamicAllocation.maxExecutors']).toBe('1');
    expect(conf['spark.executor.memory']).toBe('2048m');
    expect(conf['spark.sql.adaptive.skewJoin.enabled']).toBe('true');
  });

  it('keeps its files in the driver folder', () => {
    expect(conf['spark.app.name']).toBe('dofc-warm-17-abc');
    expect(conf['spark.eventLog.dir']).toBe('file:///data/spark-warm/slots/17-abc/spark-events');
    expect(conf['spark.sql.warehouse.dir']).toBe('file:///data/spark-warm/slots/17-abc/spark-warehouse');
    expect(conf['spark.checkpoint.dir']).toBeUndefined();
  });

  it('names an application DOFC counts as its own', () => {
    expect(isDofcApplicationName(conf['spark.app.name'] as string)).toBe(true);
    expect(isDofcApplicationName('nightly-etl')).toBe(false);
  });
});

describe('warm slot files', () => {
  let root: string;
  const assignment = { attempt_dir: '/data/jobs/3/attempt-1', checkpoint_dir: 'file:///data/jobs/3/checkpoints', warehouse_dir: '/data/jobs/3/spark-warehouse', claimed_at: '2026-01-01T00:00:00Z' };

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('second claim of a driver fails', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dofc-warm-slot-'));

    const first = await assignSlot(root, assignment);
    const second = await assignSlot(root, { ...assignment, attempt_dir: '/data/jobs/4/attempt-1' });

    expect(first).toBe(true);
    expect(second).toBe(false);
    expect((await readSlotClaim(root))?.attempt_dir).toBe('/data/jobs/3/attempt-1');
    expect(readdirSync(root)).toEqual(['assignment.json']);
  });

  it('claim fails after the driver retired', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dofc-warm-slot-'));
    writeFileSync(path.join(root, 'assignment.json'), JSON.stringify({ retired: 'the scheduler exited' }));

    expect(await assignSlot(root, assignment)).toBe(false);
  });

  it('event log moves into the attempt once', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dofc-warm-slot-'));
    const slotDir = path.join(root, 'slot');
    const attemptDir = path.join(root, 'attempt-1');
    mkdirSync(path.join(slotDir, 'spark-events', 'eventlog_v2_app-1'), { recursive: true });
    writeFileSync(path.join(slotDir, 'spark-events', 'eventlog_v2_app-1', 'events_1_app-1'), '{"Event":"SparkListenerJobStart","Job ID":0}\n');
    mkdirSync(path.join(attemptDir, 'spark-events'), { recursive: true });

    await Promise.all([moveSlotEventLog(slotDir, attemptDir), moveSlotEventLog(slotDir, attemptDir)]);
    await moveSlotEventLog(slotDir, attemptDir);

    expect(readFileSync(path.join(attemptDir, 'spark-events', 'eventlog_v2_app-1', 'events_1_app-1'), 'utf8')).toContain('SparkListenerJobStart');
    expect(readdirSync(path.join(slotDir, 'spark-events'))).toEqual([]);
  });
});

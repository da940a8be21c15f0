import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { loadWarmKernelSettings } from '../../src/executors/local/warm-settings.js';
import { warmSpecFields } from '../../src/executors/local/warm-spec.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, waitForState, type TestService } from '../support/service.js';

const allocation = (pool: string) => ({ allocation: { pool, maxExecutors: 1, coresPerExecutor: 1, memPerExecutorGb: 1 } });

describe('warm kernel settings', () => {
  it('defaults to two kernels with pandas preloaded', () => {
    expect(loadWarmKernelSettings({})).toEqual({ size: 2, preload: ['pandas'] });
  });

  it('size 0 turns the pool off', () => {
    expect(loadWarmKernelSettings({ DOFC_WARM_KERNELS: '0' }).size).toBe(0);
  });

  it('rejects a fractional size with the variable name', () => {
    expect(() => loadWarmKernelSettings({ DOFC_WARM_KERNELS: '1.5' })).toThrow(/DOFC_WARM_KERNELS="1.5" is invalid/);
  });

  it('rejects a preload that is not a module name', () => {
    expect(() => loadWarmKernelSettings({ DOFC_WARM_KERNEL_PRELOAD: 'pandas,os; rm' })).toThrow(/"os; rm", which is not a Python module name/);
  });
});

describe('warmSpecFields', () => {
  const options = { warmKernelPoolDir: '/data/warm-kernels', hotSetDir: '/data/cache' };

  it('interactive attempts may claim a warm kernel', () => {
    expect(warmSpecFields(allocation('interactive'), options)).toEqual({ warm_kernel_pool: '/data/warm-kernels', hot_set_dir: '/data/cache' });
  });

  it('heavy attempts start cold but read through the cache', () => {
    expect(warmSpecFields(allocation('heavy'), options)).toEqual({ hot_set_dir: '/data/cache' });
  });

  it('no fields when both are off', () => {
    expect(warmSpecFields(allocation('interactive'), { warmKernelPoolDir: null, hotSetDir: null })).toEqual({});
  });
});

/** Read one sample of a Prometheus text exposition, or null when it is absent. */
function sample(metrics: string, series: string): number | null {
  const line = metrics.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('warm kernels in the service', () => {
  let service: TestService;
  let poolDir: string;

  async function metrics(): Promise<string> {
    return (await apiFetch(service.url, '/metrics')).text();
  }

  async function waitForReadyKernel(): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (sample(await metrics(), 'dofc_warm_kernels{state="ready"}') !== 1) {
      if (Date.now() > deadline) throw new Error(`no warm kernel became ready within 90 s; see ${poolDir}/pool.log`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  function kernelEvent(job: JobView): { warm: boolean } | undefined {
    const events = readFileSync(path.join(service.config.dataDir, 'jobs', String(job.job_id), 'attempt-1', 'events.jsonl'), 'utf8');
    return events
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { event: string; warm: boolean })
      .find((event) => event.event === 'kernel');
  }

  beforeAll(async () => {
    service = await startTestService({ warmKernels: { size: 1, preload: [] } });
    poolDir = path.join(service.config.dataDir, 'warm-kernels');
  });

  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('Light job runs on a waiting kernel', async () => {
    await waitForReadyKernel();
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['import os', 'print(os.getcwd())'], { label: 'L' }));
    expect(response.status, await response.clone().text()).toBe(201);
    const submitted = (await response.json()) as JobView;

    const finished = await waitForState(service.url, submitted.job_id);

    expect(finished.state).toBe('succeeded');
    expect(kernelEvent(finished)?.warm).toBe(true);
    const text = await metrics();
    expect(sample(text, 'dofc_warm_kernels_configured')).toBe(1);
    expect(sample(text, 'dofc_warm_kernel_claims_total{result="warm"}')).toBe(1);
    expect(sample(text, 'dofc_warm_kernel_claims_total{result="cold"}')).toBe(0);
  });

  it('pool replaces the used kernel', async () => {
    await waitForReadyKernel();

    const status = JSON.parse(readFileSync(path.join(poolDir, 'status.json'), 'utf8')) as { started_total: number; claimed_total: number };
    expect(status.started_total).toBe(2);
    expect(status.claimed_total).toBe(1);
  });

  it('live view reports the hot-set cache', async () => {
    const live = (await (await apiFetch(service.url, '/ops/live', {}, 'admin')).json()) as { hot_set?: { max_bytes: number } };

    expect(live.hot_set?.max_bytes).toBe(service.config.hotSet.maxBytes);
  });

  it('closing the service stops the idle kernels', async () => {
    const [record] = readdirSync(path.join(poolDir, 'ready')).filter((name) => name.endsWith('.json'));
    expect(record).toBeDefined();
    const { kernel_pid: kernelPid } = JSON.parse(readFileSync(path.join(poolDir, 'ready', record as string), 'utf8')) as { kernel_pid: number };
    expect(existsSync(`/proc/${kernelPid}`)).toBe(true);

    await service.close();

    expect(existsSync(`/proc/${kernelPid}`)).toBe(false);
    expect(readdirSync(path.join(poolDir, 'ready'))).toEqual([]);
    expect(existsSync(path.join(poolDir, 'status.json'))).toBe(false);
  });
});

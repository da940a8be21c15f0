import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import type { LiveOps } from '../../src/observe/live-ops/live-ops.js';
import { postJson, startTestService, waitForState, type TestService, apiFetch } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

function script(owner: string, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { owner, source: { kind: 'script', content }, ...extra };
}

const HOLDER_SCRIPT = [
  'import sys, time',
  "print('alpha needle', flush=True)",
  "print('beta', flush=True)",
  "print('gamma NEEDLE', file=sys.stderr, flush=True)",
  'time.sleep(120)',
].join('\n');

describe(`live operations on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let holder: JobView;
  let firstQueued: JobView;
  let secondQueued: JobView;

  async function submit(body: Record<string, unknown>): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', body, {}, String(body['owner']));
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as JobView;
  }

  // An admin sees every owner's name; what other users see is covered by the authorization tests.
  async function live(): Promise<LiveOps> {
    return (await (await apiFetch(service.url, `/ops/live`, {}, 'admin')).json()) as LiveOps;
  }

  async function searchLogs(jobId: number, query: string): Promise<Response> {
    return apiFetch(service.url, `/jobs/${jobId}/logs?${query}`);
  }

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 2, memGb: 8 } });
    // The holder takes both cores, so the next two jobs wait in the interactive queue.
    holder = await submit(script('ana', HOLDER_SCRIPT, { max_executors: 2 }));
    await waitForState(service.url, holder.job_id, new Set(['running']));
    firstQueued = await submit(script('bo', 'print(1)'));
    secondQueued = await submit(script('ana', 'print(2)'));
    // Pre-flight analyses several jobs at once, so either job may reach the queue first.
    await waitForState(service.url, firstQueued.job_id, new Set(['queued']), undefined, 'bo');
    await waitForState(service.url, secondQueued.job_id, new Set(['queued']));

    // The holder's lines are in the log once the runner has copied them.
    for (let tries = 0; tries < 100; tries++) {
      if ((await (await searchLogs(holder.job_id, 'search=gamma')).text()).includes('gamma')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
  afterAll(async () => {
    for (const job of [holder, firstQueued, secondQueued]) {
      if (job !== undefined) await postJson(service.url, `/jobs/${job.job_id}/cancel`, {}, {}, 'admin');
    }
    if (holder !== undefined) await waitForState(service.url, holder.job_id, undefined, 30_000);
    await service?.stopAndDrop();
  });

  it('shows use against capacity per pool', async () => {
    const view = await live();
    const interactive = view.pools.find((pool) => pool.pool === 'interactive');
    expect(view.capacity).toEqual({ cores: 2, mem_gb: 8 });
    expect(interactive?.in_use).toEqual({ cores: 2, mem_gb: 4 });
    expect(interactive?.running).toBe(1);
    expect(view.pools.find((pool) => pool.pool === 'heavy')?.in_use).toEqual({ cores: 0, mem_gb: 0 });
  });

  it('lists each queue in order', async () => {
    const interactive = (await live()).pools.find((pool) => pool.pool === 'interactive');
    expect(interactive?.queue_length).toBe(2);
    expect(interactive?.queue.map((job) => job.job_id)).toEqual([firstQueued.job_id, secondQueued.job_id]);
  });

  it('gives each user the dominant share of running jobs', async () => {
    const users = (await live()).users;
    expect(users.find((user) => user.owner === 'ana')).toMatchObject({ running: 1, queued: 1, cores: 2, dominant_share: 1 });
    expect(users.find((user) => user.owner === 'bo')).toMatchObject({ running: 0, queued: 1, dominant_share: 0 });
  });

  it('log search returns only matching lines, tagged', async () => {
    const text = await (await searchLogs(holder.job_id, 'search=needle')).text();
    expect(text).toContain('stdout | alpha needle');
    expect(text).toContain('stderr | gamma NEEDLE');
    expect(text).not.toContain('beta');
  });

  it('log search filters by source', async () => {
    const text = await (await searchLogs(holder.job_id, 'search=needle&source=stderr')).text();
    expect(text).toContain('gamma NEEDLE');
    expect(text).not.toContain('alpha');
  });

  it('log search rejects an unknown source', async () => {
    const response = await searchLogs(holder.job_id, 'search=x&source=kernel');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/source "kernel" is invalid; use one of runner/);
  });

  it('plain log request still returns the whole log', async () => {
    const text = await (await apiFetch(service.url, `/jobs/${holder.job_id}/logs`)).text();
    expect(text).toContain('--- attempt 1 ---');
    expect(text).toMatch(/runner \| \[dofc\] job \d+ attempt 1 started/);
    expect(text).toContain('stdout | beta');
  });
});

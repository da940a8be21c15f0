import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { killScheduler, startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.js';
import { apiFetch, getJob, postJson } from '../support/service.js';
import { createTestStore, storeKindUnderTest, type TestStore } from '../support/test-store.js';
import { appendRunMarker, jobsReattachedIn, jobsStartedIn, runMarkerLines, startLines } from './run-evidence.js';
import { waitUntil } from './wait.js';

const postgresOnly = storeKindUnderTest() === 'postgres' ? describe : describe.skip;

async function roleOf(replica: SchedulerProcess): Promise<string | null> {
  const response = await apiFetch(replica.url, '/health').catch(() => null);
  if (response === null || !response.ok) return null;
  return ((await response.json()) as { role?: string }).role ?? null;
}

postgresOnly('two scheduler replicas on one PostgreSQL database (skipped on PGlite: set DOFC_TEST_DATABASE_URL)', () => {
  let store: TestStore | null = null;
  const replicas: SchedulerProcess[] = [];

  afterEach(async () => {
    for (const replica of replicas.splice(0)) await killScheduler(replica);
    await store?.drop();
    store = null;
  });

  it('only leader starts jobs and follower takes over', { timeout: 150_000 }, async () => {
    store = await createTestStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-replicas-'));
    const markerDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-replicas-ran-'));
    // Two one-core slots, so the jobs run in waves and some are still queued when the leader dies.
    const env = { DOFC_CORES: '2', DOFC_MEMORY_GB: '8' };

    const first = await startSchedulerProcess(dataDir, store.location, env);
    replicas.push(first);
    await waitUntil(async () => (await roleOf(first)) === 'leader', 'the first replica to lead');
    const second = await startSchedulerProcess(dataDir, store.location, env);
    replicas.push(second);
    expect(await roleOf(second)).toBe('follower');

    // Submitted through the follower: every replica serves the API.
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const code = `${appendRunMarker(markerDir, String(i))}\nimport time\ntime.sleep(2)\n`;
      const response = await postJson(second.url, '/jobs', { owner: 'ana', source: { kind: 'script', content: code } });
      expect(response.status, await response.clone().text()).toBe(201);
      ids.push(((await response.json()) as JobView).job_id);
    }

    await waitUntil(async () => (await getJob(second.url, ids[0] as number)).state === 'running', 'the first job to run');
    expect(jobsStartedIn(second.output()), 'the follower started a job').toEqual([]);
    expect(jobsStartedIn(first.output()).length).toBeGreaterThan(0);

    await killScheduler(first);
    await waitUntil(async () => (await roleOf(second)) === 'leader', 'the follower to take over', 15_000);

    for (const id of ids) {
      await waitUntil(async () => ['succeeded', 'failed', 'cancelled'].includes((await getJob(second.url, id)).state), `job ${id} to finish`, 90_000);
    }
    for (const [index, id] of ids.entries()) {
      const job = await getJob(second.url, id);
      expect(job.state, `job ${id}: ${job.reason?.message}`).toBe('succeeded');
      expect(startLines(dataDir, id), `runner starts of job ${id}`).toHaveLength(1);
      expect(runMarkerLines(markerDir, String(index)), `runs of job ${id}'s code`).toHaveLength(1);
    }

    const startedByFirst = jobsStartedIn(first.output());
    const startedBySecond = jobsStartedIn(second.output());
    expect(startedByFirst.filter((id) => startedBySecond.includes(id)), 'jobs both replicas started').toEqual([]);
    const adoptedBySecond = jobsReattachedIn(second.output());
    expect([...startedByFirst, ...startedBySecond, ...adoptedBySecond].sort((a, b) => a - b)).toEqual(ids);
    expect(startedBySecond.length, 'jobs the new leader started').toBeGreaterThan(0);
  });
});

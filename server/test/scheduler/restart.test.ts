import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { beginPreflight, claimForStart, enqueue } from '../../src/jobs/lifecycle.js';
import { submitJob } from '../../src/jobs/submit.js';
import { openDatabase } from '../../src/store/database.js';
import type { JobRow } from '../../src/store/job-rows.js';
import { killScheduler, startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.js';
import { getJob, inlineNotebookJob, postJson, waitForState, apiFetch } from '../support/service.js';
import { createTestStore, storeKindUnderTest, type TestStore } from '../support/test-store.js';
import type { StoreLocation } from '../../src/store/database.js';

/** Return the store a `dofc serve` process uses: the test's PostgreSQL database, or PGlite in the data folder. */
function serveStore(store: TestStore, dataDir: string): StoreLocation {
  return store.location.kind === 'postgres' ? store.location : { kind: 'pglite', dir: path.join(dataDir, 'db') };
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startsOf(dataDir: string, jobId: number): string[] {
  const file = path.join(dataDir, 'jobs', String(jobId), 'starts.log');
  return readFileSync(file, 'utf8').trim().split('\n');
}

describe(`scheduler restart on ${storeKindUnderTest()}`, () => {
  let store: TestStore | null = null;
  const schedulers: SchedulerProcess[] = [];

  afterEach(async () => {
    for (const scheduler of schedulers.splice(0)) await killScheduler(scheduler);
    await store?.drop();
    store = null;
  });

  it('runs every job once across a kill', { timeout: 180_000 }, async () => {
    store = await createTestStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-restart-'));
    const env = { DOFC_CORES: '4', DOFC_MEMORY_GB: '16' };
    const first = await startSchedulerProcess(dataDir, serveStore(store, dataDir), env);
    schedulers.push(first);

    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const body = inlineNotebookJob([`import time\ntime.sleep(3)\nprint("job ${i} done")`], { label: i % 2 === 0 ? 'L' : 'H' });
      const response = await postJson(first.url, '/jobs', body);
      ids.push(((await response.json()) as JobView).job_id);
    }
    await waitForState(first.url, ids[0] as number, new Set(['running']));
    await killScheduler(first);

    const second = await startSchedulerProcess(dataDir, serveStore(store, dataDir), env);
    schedulers.push(second);
    for (const id of ids) {
      const job = await waitForState(second.url, id, undefined, 90_000);
      expect(job.state, `job ${id}: ${job.reason?.message}`).toBe('succeeded');
      expect(startsOf(dataDir, id), `job ${id} started more than once`).toHaveLength(1);
    }
  });

  it('requeues a claimed but unstarted job once', { timeout: 120_000 }, async () => {
    store = await createTestStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-fence-'));

    // Leave the store as a scheduler killed between its claim and the runner's start would.
    const location = serveStore(store, dataDir);
    const db = await openDatabase(location);
    const now = new Date();
    const { job } = await submitJob(db, inlineNotebookJob(['print("ran")']), { capacity: { cores: 2, memGb: 8 }, now });
    await db.transaction((trx) => beginPreflight(trx, job.id, now));
    await db.transaction((trx) => enqueue(trx, job.id, now, { code: 'queued', message: 'Queued.' }));
    const queued = (await db<JobRow>('jobs').where({ id: job.id }).first()) as JobRow;
    const attemptDir = (attempt: number) => path.join(dataDir, 'jobs', String(job.id), `attempt-${attempt}`);
    await db.transaction((trx) =>
      claimForStart(trx, queued, 'local', attemptDir, now, { code: 'capacity_available', message: 'Started.' }),
    );
    await db.destroy();

    const scheduler = await startSchedulerProcess(dataDir, location);
    schedulers.push(scheduler);
    const done = await waitForState(scheduler.url, job.id, undefined, 60_000);
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(2);
    expect(startsOf(dataDir, job.id)).toHaveLength(1);

    const { events } = (await (await apiFetch(scheduler.url, `/jobs/${job.id}/events`)).json()) as {
      events: Array<{ code: string | null }>;
    };
    expect(events.map((event) => event.code)).toContain('requeued_after_restart');
    expect((await getJob(scheduler.url, job.id)).reason?.code).toBe('succeeded');
  });

  it('signals a stop stored before a kill', { timeout: 120_000 }, async () => {
    store = await createTestStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-stop-'));
    const location = serveStore(store, dataDir);
    const first = await startSchedulerProcess(dataDir, location);
    schedulers.push(first);
    const response = await postJson(first.url, '/jobs', { owner: 'ana', source: { kind: 'script', content: 'import time\ntime.sleep(120)\n' } });
    const id = ((await response.json()) as JobView).job_id;
    await waitForState(first.url, id, new Set(['running']));
    await killScheduler(first);

    // Leave the store as a scheduler killed after storing a cancel, before signalling the runner, would.
    const db = await openDatabase(location);
    const now = new Date();
    await db('jobs').where({ id }).update({ cancel_requested_at: now });
    await db('job_attempts').where({ job_id: id, attempt: 1 }).update({ stop_reason: 'cancel', stop_requested_at: now });
    await db.destroy();

    const second = await startSchedulerProcess(dataDir, location);
    schedulers.push(second);
    const done = await waitForState(second.url, id, undefined, 30_000);
    expect(done.state).toBe('cancelled');
    expect(startsOf(dataDir, id)).toHaveLength(1);
  });

  it('keeps the end time of a job that ended while down', { timeout: 120_000 }, async () => {
    store = await createTestStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-ended-down-'));
    const location = serveStore(store, dataDir);
    const first = await startSchedulerProcess(dataDir, location);
    schedulers.push(first);
    const response = await postJson(first.url, '/jobs', { owner: 'ana', source: { kind: 'script', content: 'import time\ntime.sleep(2)\n' } });
    const id = ((await response.json()) as JobView).job_id;
    await waitForState(first.url, id, new Set(['running']));
    await killScheduler(first);

    // The runner ends while no scheduler runs, and the next one starts well after.
    const resultFile = path.join(dataDir, 'jobs', String(id), 'attempt-1', 'result.json');
    await waitForFile(resultFile, 30_000);
    const endedAt = statSync(resultFile).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 8_000));

    const second = await startSchedulerProcess(dataDir, location);
    schedulers.push(second);
    const done = await waitForState(second.url, id, undefined, 30_000);
    expect(done.state).toBe('succeeded');
    const finishedAt = Date.parse(done.finished_at as string);
    expect(Math.abs(finishedAt - endedAt), 'finished_at is when the runner ended, not when the scheduler came back').toBeLessThan(1_000);

    const db = await openDatabase(location);
    const history = (await db('run_history').where({ job_id: id }).first()) as { runtime_s: number | string };
    await db.destroy();
    expect(Number(history.runtime_s)).toBeLessThan(8);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { inlineNotebookJob, postJson, startTestService, waitForState, type TestService, apiFetch } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const RUNNING = new Set(['running']);

describe(`job faults on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    // Room for several one-core jobs at once, so the cases do not queue behind each other.
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function submit(body: Record<string, unknown>): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as JobView;
  }

  function runnerPid(jobId: number, attempt = 1): number {
    const marker = path.join(service.config.dataDir, 'jobs', String(jobId), `attempt-${attempt}`, 'started');
    return (JSON.parse(readFileSync(marker, 'utf8')) as { pid: number }).pid;
  }

  it('names the cell, the exception and the cell count when cell 3 raises', async () => {
    const job = await submit(inlineNotebookJob(['x = 1', 'y = 2', 'x / 0', 'print("never")'], { label: 'H' }));
    const done = await waitForState(service.url, job.job_id);
    expect(done.state).toBe('failed');
    expect(done.reason?.code).toBe('cell_error');
    expect(done.reason?.message).toMatch(/^Cell 3 of 4 raised ZeroDivisionError: division by zero/);
    expect(done.failed_cell).toMatchObject({ index: 2, code_cell_number: 3, ename: 'ZeroDivisionError', source_head: 'x / 0' });
    expect(done.progress).toMatchObject({ done: 2, total: 4 });
  });

  it('stops a job that passes its timeout and says so', async () => {
    const job = await submit(inlineNotebookJob(['import time; time.sleep(120)'], { timeout_s: 5 }));
    await waitFor(() => existsSync(path.join(service.config.dataDir, 'jobs', String(job.job_id), 'attempt-1', 'started')));
    const done = await waitForState(service.url, job.job_id, undefined, 30_000);
    expect(done.state).toBe('failed');
    expect(done.reason?.code).toBe('timeout');
    expect(done.reason?.message).toMatch(/timeout of 5 s; raise timeout_s/);
    expect(isAlive(runnerPid(job.job_id))).toBe(false);
  });

  it('fails a job whose runner is killed and names the signal', async () => {
    const job = await submit(inlineNotebookJob(['import time; time.sleep(120)']));
    await waitForState(service.url, job.job_id, RUNNING);
    await waitFor(() => existsSync(path.join(service.config.dataDir, 'jobs', String(job.job_id), 'attempt-1', 'started')));
    process.kill(-runnerPid(job.job_id), 'SIGKILL');

    const done = await waitForState(service.url, job.job_id, undefined, 30_000);
    expect(done.state).toBe('failed');
    expect(done.reason?.code).toBe('runner_killed');
    expect(done.reason?.message).toMatch(/killed by SIGKILL/);
  });

  it('retries a killed runner when the retry policy allows, and the next attempt succeeds', async () => {
    const cells = ['import os, time\nif os.environ["DOFC_ATTEMPT"] == "1":\n    time.sleep(120)', 'print("attempt", os.environ["DOFC_ATTEMPT"])'];
    const job = await submit(inlineNotebookJob(cells, { retry_policy: { max_attempts: 2, backoff_s: 0 } }));
    await waitForState(service.url, job.job_id, RUNNING);
    await waitFor(() => existsSync(path.join(service.config.dataDir, 'jobs', String(job.job_id), 'attempt-1', 'started')));
    process.kill(-runnerPid(job.job_id), 'SIGKILL');

    const done = await waitForState(service.url, job.job_id, undefined, 60_000);
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(2);
    const { events } = (await (await apiFetch(service.url, `/jobs/${job.job_id}/events`)).json()) as {
      events: Array<{ to_state: string | null; code: string | null }>;
    };
    expect(events.filter((event) => event.to_state === 'retrying').map((event) => event.code)).toEqual(['runner_killed']);
  });

  it('does not retry an error in the user\'s code', async () => {
    const job = await submit(inlineNotebookJob(['raise ValueError("bad input")'], { retry_policy: { max_attempts: 3, backoff_s: 0 } }));
    const done = await waitForState(service.url, job.job_id);
    expect(done.state).toBe('failed');
    expect(done.attempt).toBe(1);
  });

  it('cancels a running job and stops its whole process group', async () => {
    const job = await submit(inlineNotebookJob(['import time; time.sleep(120)']));
    await waitForState(service.url, job.job_id, RUNNING);
    await waitFor(() => existsSync(path.join(service.config.dataDir, 'jobs', String(job.job_id), 'attempt-1', 'started')));
    const pid = runnerPid(job.job_id);

    const response = await apiFetch(service.url, `/jobs/${job.job_id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(202);
    const done = await waitForState(service.url, job.job_id, undefined, 30_000);
    expect(done.state).toBe('cancelled');
    expect(isGroupAlive(pid)).toBe(false);
  });

  it('reports a working folder that no longer exists', async () => {
    const body = inlineNotebookJob(['1']);
    (body['source'] as Record<string, unknown>)['path'] = '/nonexistent-folder/analysis.ipynb';
    const job = await submit(body);
    const done = await waitForState(service.url, job.job_id);
    expect(done.state).toBe('failed');
    expect(done.reason?.message).toMatch(/working folder \/nonexistent-folder does not exist/);
  });

  it('runs a script and a cell with its setup cells', async () => {
    const script = await submit({ owner: 'ana', source: { kind: 'script', content: 'print("from a script")' } });
    const cell = await submit({ owner: 'ana', source: { kind: 'cell', content: 'print(total * 2)', setup_cells: ['total = 21'] } });
    expect((await waitForState(service.url, script.job_id)).state).toBe('succeeded');
    expect((await waitForState(service.url, cell.job_id)).state).toBe('succeeded');
    expect(await (await apiFetch(service.url, `/jobs/${script.job_id}/logs`)).text()).toContain('from a script');
    const notebook = await (await apiFetch(service.url, `/jobs/${cell.job_id}/output`)).text();
    expect(notebook).toContain('42');
  });

  it('streams a log while the job runs when following', async () => {
    const job = await submit(inlineNotebookJob(['import time\nfor i in range(3):\n    print("tick", i, flush=True)\n    time.sleep(0.5)']));
    const response = await apiFetch(service.url, `/jobs/${job.job_id}/logs?follow=true`);
    const text = await response.text();
    expect(text).toContain('tick 2');
    expect(text).toContain('[dofc] succeeded');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

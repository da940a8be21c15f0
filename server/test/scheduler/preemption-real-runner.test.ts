import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { apiFetch, getJob, inlineNotebookJob, postJson, startTestService, waitForState, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

interface TimelineEvent {
  type: string;
  to_state: string | null;
  code: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

interface CheckpointLine {
  stage: string;
  action: 'saved' | 'loaded';
}

// Settings that make the real policy pause within seconds: a breach must last 1 s, and a job may be paused as soon as it runs.
const FAST_PREEMPTION = { preemption: { windowS: 1, minRunS: 0, cellLatencyThresholdS: 0.5, maxPerJob: 2, maxPerRound: 1 } };

// Each stage sleeps, so the pause request lands while a stage is computed and the runner stops after saving it.
const HEAVY_NOTEBOOK = [
  'import time\nimport dofc',
  'a = dofc.checkpoint("stage-a", lambda: (time.sleep(1), [1, 2, 3])[1])',
  'b = dofc.checkpoint("stage-b", lambda: (time.sleep(2), [x * 2 for x in a])[1])',
  'c = dofc.checkpoint("stage-c", lambda: (time.sleep(2), sum(b))[1])',
  'print("total", c)',
];

const RUNNING = new Set(['running']);

/** Name a timeline event as a step of the pause and resume, or return null for other events. */
function milestoneOf(event: TimelineEvent): string | null {
  if (event.type === 'pause_requested' || event.type === 'checkpoint') return event.type;
  if (event.type !== 'state') return null;
  if (event.code === 'resumed') return 'resumed';
  if (event.to_state === 'paused' || event.to_state === 'succeeded') return event.to_state;
  return null;
}

describe(`polite preemption with the local runner on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      capacity: { cores: 4, memGb: 16 },
      // Long enough for a checkpointed stage to finish, short enough for the cell without one.
      pauseGraceS: 5,
      cellLatency: { windowS: 2, minSamples: 1 },
    });
    const response = await apiFetch(
      service.url,
      '/admin/policy',
      { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: FAST_PREEMPTION }) },
      'admin',
    );
    expect(response.status, await response.clone().text()).toBe(200);
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function timeline(jobId: number): Promise<TimelineEvent[]> {
    const response = await apiFetch(service.url, `/jobs/${jobId}/events`);
    return ((await response.json()) as { events: TimelineEvent[] }).events;
  }

  function checkpointLines(jobId: number, attempt: number): CheckpointLine[] {
    const file = path.join(service.config.dataDir, 'jobs', String(jobId), `attempt-${attempt}`, 'events.jsonl');
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"checkpoint"'))
      .map((line) => JSON.parse(line) as CheckpointLine);
  }

  async function waitForEvent(jobId: number, matches: (event: TimelineEvent) => boolean): Promise<void> {
    const deadline = Date.now() + 45_000;
    while (!(await timeline(jobId)).some(matches)) {
      if (Date.now() > deadline) throw new Error(`job ${jobId} has no matching timeline event after 45 s`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async function waitForLogLine(jobId: number, text: string): Promise<void> {
    const deadline = Date.now() + 45_000;
    while (!(await (await apiFetch(service.url, `/jobs/${jobId}/logs`)).text()).includes(text)) {
      if (Date.now() > deadline) throw new Error(`the log of job ${jobId} has no line "${text}" after 45 s`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /**
   * Report slow Light cells, as JupyterLab does while heavy jobs crowd its kernels, until the job
   * is paused. Returns the paused job.
   */
  async function reportSlowCellsUntilPaused(jobId: number): Promise<JobView> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const report = await postJson(service.url, '/observations/cell-latency', {
        samples: [{ notebook: 'explore.ipynb', duration_ms: 2500, at: new Date().toISOString() }],
      });
      expect(report.status).toBe(202);
      const job = await getJob(service.url, jobId);
      if (job.state === 'paused') return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job.state} after 45 s of slow cells`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('pauses a heavy job for slow cells and resumes it from its checkpoint', async () => {
    const submitted = await postJson(service.url, '/jobs', inlineNotebookJob(HEAVY_NOTEBOOK, { label: 'H', checkpoint: true, timeout_s: 600 }));
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const job = (await submitted.json()) as JobView;
    await waitForState(service.url, job.job_id, RUNNING, 60_000);
    // The scheduler copies checkpoint events onto the timeline while the attempt runs.
    await waitForEvent(job.job_id, (event) => event.type === 'checkpoint' && event.data?.['stage'] === 'stage-a');

    const paused = await reportSlowCellsUntilPaused(job.job_id);
    expect(paused.reason?.code).toBe('paused_breach');
    expect(paused.reason?.message).toMatch(/resumes when the signal is below its threshold/);

    // No samples arrive any more, so the signal clears after its 2 s window and the policy resumes the job.
    const done = await waitForState(service.url, job.job_id, undefined, 90_000);
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(2);

    const events = await timeline(job.job_id);
    const milestones = events.map(milestoneOf).filter((name): name is string => name !== null);
    // Consecutive checkpoint events (one per stage) count as one step.
    const compact = milestones.filter((name, index) => name !== milestones[index - 1]);
    expect(compact).toEqual(['checkpoint', 'pause_requested', 'checkpoint', 'paused', 'resumed', 'checkpoint', 'succeeded']);

    const request = events.find((event) => event.type === 'pause_requested');
    expect(request?.code).toBe('preempted_interactive');
    expect(request?.message).toMatch(/p95 cell latency 2\.5 s stayed above its threshold/);
    const ends = events.filter((event) => event.type === 'attempt_ended');
    expect(ends.map((event) => event.code)).toEqual(['preempted']);

    const first = checkpointLines(job.job_id, 1);
    const second = checkpointLines(job.job_id, 2);
    const savedFirst = first.filter((line) => line.action === 'saved').map((line) => line.stage);
    expect(savedFirst.length).toBeGreaterThan(0);
    expect(second.filter((line) => line.action === 'loaded').map((line) => line.stage)).toEqual(savedFirst);
    const savedSecond = second.filter((line) => line.action === 'saved').map((line) => line.stage);
    expect(savedSecond.filter((stage) => savedFirst.includes(stage))).toEqual([]);
    expect([...savedFirst, ...savedSecond].sort()).toEqual(['stage-a', 'stage-b', 'stage-c']);
  });

  it('counts the pause against the preemption bound, not against max_attempts', async () => {
    const row = await service.db('jobs').orderBy('id').first();
    expect(row).toMatchObject({ preemptions: 1, failed_attempts: 0 });
    expect(Number(row.ran_s)).toBeGreaterThan(0);
  });

  it('stops a runner that does not pause within the grace period', async () => {
    // One long cell and no checkpoint: the runner cannot stop until the cell ends, so the grace runs out.
    const cells = ['import os, time\ntime.sleep(120 if os.environ["DOFC_ATTEMPT"] == "1" else 0)', 'print("done")'];
    const submitted = await postJson(service.url, '/jobs', inlineNotebookJob(cells, { label: 'H', timeout_s: 600 }));
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const job = (await submitted.json()) as JobView;
    await waitForState(service.url, job.job_id, RUNNING, 60_000);
    await waitForLogLine(job.job_id, '[dofc] cell 1/2 started');

    await reportSlowCellsUntilPaused(job.job_id);
    const done = await waitForState(service.url, job.job_id, undefined, 90_000);
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(2);

    const events = await timeline(job.job_id);
    const types = events.map((event) => event.type);
    expect(types.indexOf('pause_requested')).toBeLessThan(types.indexOf('pause_grace_expired'));
    expect(events.find((event) => event.type === 'pause_grace_expired')?.message).toMatch(/did not pause within 5 s/);
    expect(events.filter((event) => event.type === 'attempt_ended').map((event) => event.code)).toEqual(['preempted']);
    expect(events.find((event) => event.to_state === 'paused')?.message).toMatch(/did not reach a cell or checkpoint boundary within the grace period/);
  });

  it('audits the preemption with the scheduler as actor', async () => {
    const response = await apiFetch(service.url, '/admin/audit?limit=50', {}, 'admin');
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: Array<{ actor: string; action: string; target: string }> };
    const preemptions = entries.filter((entry) => entry.action === 'job.preempt');
    expect(preemptions).toHaveLength(2);
    expect(preemptions[0]?.actor).toBe('scheduler');
  });

  it('rejects a cell-latency report without samples', async () => {
    const response = await postJson(service.url, '/observations/cell-latency', { samples: [] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/samples/);
  });

  it('shows the cell-latency p95 against its threshold in the live view', async () => {
    await postJson(service.url, '/observations/cell-latency', {
      samples: [{ notebook: 'explore.ipynb', duration_ms: 800, at: new Date().toISOString() }],
    });
    const live = (await (await apiFetch(service.url, '/ops/live')).json()) as { slo: Record<string, unknown> };
    expect(live.slo).toMatchObject({ cell_latency_p95_s: 0.8, cell_latency_threshold_s: 0.5, cell_latency_window_s: 2, cell_latency_samples: 1 });
  });
});

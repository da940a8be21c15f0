import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { createLogger } from '../../src/logger.js';
import { fireRecurringTicks } from '../../src/scheduler/recurring-ticks.js';
import {
  apiFetch,
  inlineNotebookJob,
  postJson,
  startTestService,
  type TestService,
} from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const script = (owner: string) => ({ owner, source: { kind: 'script', content: 'print("tick")' } });

async function jobsOf(base: string, owner: string): Promise<JobView[]> {
  return ((await (await apiFetch(base, `/jobs?owner=${owner}`, {}, 'admin')).json()) as { jobs: JobView[] }).jobs;
}

describe(`recurring jobs and critical approvals on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  it.each([
    [
      'a cron expression croner cannot read',
      { cron: 'every day at 7', submission: script('ana') },
      'cron',
    ],
    [
      'an unknown time zone',
      { cron: '0 19 * * 1-5', time_zone: 'Mars/Olympus', submission: script('ana') },
      'time_zone',
    ],
    ['an invalid submission', { cron: '0 19 * * 1-5', submission: { owner: 'ana' } }, 'source'],
  ])('rejects %s with 400', async (_case, body, field) => {
    const response = await postJson(service.url, '/recurring', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe(field);
  });

  it('submits one job per tick until stopped', async () => {
    const created = await postJson(service.url, '/recurring', {
      cron: '*/2 * * * * *',
      submission: script('ticker'),
    }, {}, 'ticker');
    expect(created.status).toBe(201);
    const schedule = (await created.json()) as { id: number; next_at: string };
    expect(Date.parse(schedule.next_at)).toBeGreaterThan(Date.now() - 1000);

    const deadline = Date.now() + 20_000;
    while ((await jobsOf(service.url, 'ticker')).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(
      (await apiFetch(service.url, `/recurring/${schedule.id}`, { method: 'DELETE' }, 'ticker')).status,
    ).toBe(204);
    const afterStop = (await jobsOf(service.url, 'ticker')).length;
    expect(afterStop).toBeGreaterThanOrEqual(2);

    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await jobsOf(service.url, 'ticker')).length).toBe(afterStop);
  });

  it('fires a tick once when it is processed again after a stop', async () => {
    const created = (await (
      await postJson(service.url, '/recurring', {
        cron: '0 3 * * *',
        submission: script('nightly'),
      }, {}, 'nightly')
    ).json()) as { id: number };
    const start = new Date('2030-01-01T00:00:00Z');
    await service.db('recurring_jobs').where({ id: created.id }).update({ last_fired_at: start });
    const now = new Date('2030-01-03T04:00:00Z');
    const logger = createLogger('silent');

    const first = await fireRecurringTicks(service.db, { cores: 8, memGb: 32 }, now, logger);
    // A scheduler that died before storing the new last tick processes the same ticks again.
    await service.db('recurring_jobs').where({ id: created.id }).update({ last_fired_at: start });
    const second = await fireRecurringTicks(service.db, { cores: 8, memGb: 32 }, now, logger);
    await service.db('recurring_jobs').where({ id: created.id }).update({ cancelled_at: now });

    // 03:00 on January 1, 2 and 3.
    expect(first).toBe(3);
    expect(second).toBe(0);
    expect(await jobsOf(service.url, 'nightly')).toHaveLength(3);
  });

  it('approves a P0 job for the critical lane and records who did', async () => {
    const body = inlineNotebookJob(['1'], { priority: 'P0', not_before: '2099-01-01T00:00:00Z' });
    const job = (await (await postJson(service.url, '/jobs', body)).json()) as JobView;
    const response = await apiFetch(service.url, `/admin/jobs/${job.job_id}/approve-critical`, { method: 'POST' }, 'admin');
    expect(response.status).toBe(200);

    const { events } = (await (await apiFetch(service.url, `/jobs/${job.job_id}/events`)).json()) as {
      events: Array<{ type: string; message: string }>;
    };
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'critical_approved',
        message: 'admin approved the critical lane for this job.',
      }),
    );
  });

  it('rejects approving a job that is not P0 with 422', async () => {
    const job = (await (
      await postJson(
        service.url,
        '/jobs',
        inlineNotebookJob(['1'], { not_before: '2099-01-01T00:00:00Z' }),
      )
    ).json()) as JobView;
    const response = await apiFetch(service.url, `/admin/jobs/${job.job_id}/approve-critical`, { method: 'POST' }, 'admin');
    expect(response.status).toBe(422);
  });
});

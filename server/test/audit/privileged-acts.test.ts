import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import type { AuditEntry } from '../../src/audit/audit-log.js';
import { recordPreemptionAudit } from '../../src/audit/preemption-audit.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const LATER = { not_before: '2099-01-01T00:00:00Z' };
const WINDOW = { starts_at: '2099-01-01T19:00:00Z', ends_at: '2099-01-01T23:00:00Z' };

describe(`audit of privileged acts on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  /** Run an act and return the audit entries it added. */
  async function entriesAddedBy(act: () => Promise<void>): Promise<AuditEntry[]> {
    const [newest] = (await service.db('audit_log').max({ max: 'id' })) as Array<{ max: string | number | null }>;
    await act();
    const response = await apiFetch(service.url, `/admin/audit?limit=500`, {}, 'admin');
    const { entries } = (await response.json()) as { entries: AuditEntry[] };
    return entries.filter((entry) => entry.id > Number(newest?.max ?? 0));
  }

  async function submitLater(owner: string, extra: Record<string, unknown> = {}): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { ...LATER, owner, ...extra }), {}, owner);
    expect(response.status).toBe(201);
    return (await response.json()) as JobView;
  }

  it('records a policy change with both versions', async () => {
    const entries = await entriesAddedBy(async () => {
      const response = await apiFetch(
        service.url,
        '/admin/policy',
        { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: { timeZone: 'Europe/Paris' } }) },
        'admin',
      );
      expect(response.status).toBe(200);
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      action: 'policy.update',
      target: 'policy',
      before: { version: 0, settings: {} },
      after: { version: 1, settings: { timeZone: 'Europe/Paris' } },
    });
  });

  it('records a rejected policy change not at all', async () => {
    const entries = await entriesAddedBy(async () => {
      const response = await apiFetch(
        service.url,
        '/admin/policy',
        { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: {}, expected_version: 0 }) },
        'admin',
      );
      expect(response.status).toBe(409);
    });
    expect(entries).toEqual([]);
  });

  it('records a reservation create and cancel', async () => {
    let id = 0;
    const created = await entriesAddedBy(async () => {
      const response = await postJson(service.url, '/admin/reservations', { team: 'risk', cores: 2, mem_gb: 4, ...WINDOW }, {}, 'admin');
      expect(response.status).toBe(201);
      id = ((await response.json()) as { id: number }).id;
    });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      actor: 'admin',
      action: 'reservation.create',
      target: `reservation:${id}`,
      before: null,
      after: { id, team: 'risk', cores: 2, mem_gb: 4 },
    });

    const cancelled = await entriesAddedBy(async () => {
      const response = await apiFetch(service.url, `/admin/reservations/${id}`, { method: 'DELETE' }, 'admin');
      expect(response.status).toBe(204);
    });
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      action: 'reservation.cancel',
      target: `reservation:${id}`,
      before: { id, team: 'risk' },
      after: { cancelled_at: expect.any(String) },
    });
  });

  it('records a critical-lane approval with the time box', async () => {
    const job = await submitLater('ana', { priority: 'P0', timeout_s: 7200 });
    const entries = await entriesAddedBy(async () => {
      const response = await apiFetch(service.url, `/admin/jobs/${job.job_id}/approve-critical`, { method: 'POST' }, 'admin');
      expect(response.status).toBe(200);
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      action: 'critical.approve',
      target: `job:${job.job_id}`,
      before: { critical_approved_by: null, timeout_s: 7200 },
      after: { critical_approved_by: 'admin', timeout_s: 3600 },
    });
  });

  it("records a cancel of another user's job", async () => {
    const job = await submitLater('ben');
    const entries = await entriesAddedBy(async () => {
      const response = await apiFetch(service.url, `/jobs/${job.job_id}/cancel`, { method: 'POST' }, 'admin');
      expect(response.status).toBe(200);
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      action: 'job.cancel_other',
      target: `job:${job.job_id}`,
      before: { owner: 'ben', state: expect.not.stringMatching(/^cancelled$/) },
      after: { owner: 'ben', state: 'cancelled' },
    });
  });

  it('records a cancel of your own job not at all', async () => {
    const job = await submitLater('ana');
    const entries = await entriesAddedBy(async () => {
      const response = await apiFetch(service.url, `/jobs/${job.job_id}/cancel`, { method: 'POST' }, 'ana');
      expect(response.status).toBe(200);
    });
    expect(entries).toEqual([]);
  });

  it("records a user's role and team change", async () => {
    const entries = await entriesAddedBy(async () => {
      const response = await apiFetch(
        service.url,
        '/admin/users/ben',
        { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'team_lead', team: 'ml' }) },
        'admin',
      );
      expect(response.status).toBe(200);
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      action: 'user.update',
      target: 'user:ben',
      before: { user: 'ben', role: 'user', team: 'data' },
      after: { user: 'ben', role: 'team_lead', team: 'ml' },
    });
  });

  it('records a preemption through the exported function', async () => {
    const job = await submitLater('ben', { label: 'H' });
    const entries = await entriesAddedBy(async () => {
      await service.db.transaction((trx) =>
        recordPreemptionAudit(trx, {
          jobId: job.job_id,
          owner: 'ben',
          preemptedForJobId: 99,
          stateBefore: 'running',
          stateAfter: 'paused',
          reason: 'Interactive work needs the cores back.',
          at: new Date(),
        }),
      );
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'scheduler',
      action: 'job.preempt',
      target: `job:${job.job_id}`,
      before: { owner: 'ben', state: 'running' },
      after: { state: 'paused', preempted_for_job_id: 99 },
      reason: 'Interactive work needs the cores back.',
    });
  });
});

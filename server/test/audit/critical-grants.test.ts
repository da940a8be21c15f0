import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, JobView } from '../../src/contract/job-view.js';
import type { AuditEntry } from '../../src/audit/audit-log.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const LATER = { not_before: '2099-01-01T00:00:00Z' };
const IN_AN_HOUR = () => new Date(Date.now() + 3600_000).toISOString();

describe(`critical-lane grants on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function grant(body: Record<string, unknown>): Promise<Response> {
    return postJson(service.url, '/admin/critical-grants', body, {}, 'admin');
  }

  async function submit(owner: string, extra: Record<string, unknown>): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { ...LATER, owner, ...extra }), {}, owner);
    expect(response.status).toBe(201);
    return (await response.json()) as JobView;
  }

  async function approvedBy(jobId: number): Promise<string | null> {
    const row = (await service.db('jobs').where({ id: jobId }).first()) as { critical_approved_by: string | null };
    return row.critical_approved_by;
  }

  async function eventsOf(jobId: number): Promise<JobEvent[]> {
    const response = await apiFetch(service.url, `/jobs/${jobId}/events`, {}, 'admin');
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: JobEvent[] }).events;
  }

  let grantId = 0;

  beforeAll(async () => {
    const response = await grant({ user: 'lea', expires_at: IN_AN_HOUR(), max_runtime_s: 900, reason: 'Quarter-end close' });
    expect(response.status).toBe(201);
    grantId = ((await response.json()) as { id: number }).id;
  });

  it('approves a P0 job of the grantee', async () => {
    const job = await submit('lea', { priority: 'P0' });
    expect(await approvedBy(job.job_id)).toBe(`grant #${grantId}`);
    const row = (await service.db('jobs').where({ id: job.job_id }).first()) as { critical_grant_id: number };
    expect(row.critical_grant_id).toBe(grantId);
  });

  it('time-boxes the job to the grant and says so', async () => {
    const job = await submit('lea', { priority: 'P0', timeout_s: 7200 });
    expect(job.spec).toMatchObject({ timeout_s: 900 });
    const events = await eventsOf(job.job_id);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'critical_approved', data: expect.objectContaining({ grant_id: grantId }) }),
    );
    const timeBox = events.find((event) => event.type === 'critical_time_box');
    expect(timeBox?.code).toBe('critical_timeout_lowered');
    expect(timeBox?.message).toContain('lowered from 7200 s to 900 s');
  });

  it('keeps a shorter timeout as it is', async () => {
    const job = await submit('lea', { priority: 'P0', timeout_s: 300 });
    expect(job.spec).toMatchObject({ timeout_s: 300 });
    const timeBox = (await eventsOf(job.job_id)).find((event) => event.type === 'critical_time_box');
    expect(timeBox?.code).toBe('critical_timeout_within_limit');
  });

  it('audits every use with the grant', async () => {
    const job = await submit('lea', { priority: 'P0' });
    const response = await apiFetch(service.url, '/admin/audit?action=critical_grant.use', {}, 'admin');
    const { entries } = (await response.json()) as { entries: AuditEntry[] };
    const uses = entries.filter((entry) => entry.target === `job:${job.job_id}`);
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({
      actor: 'lea',
      before: { critical_approved_by: null },
      after: { critical_approved_by: `grant #${grantId}`, grant_id: grantId },
      reason: 'Quarter-end close',
    });
  });

  it('audits the grant itself', async () => {
    const response = await apiFetch(service.url, '/admin/audit?action=critical_grant.create', {}, 'admin');
    const { entries } = (await response.json()) as { entries: AuditEntry[] };
    expect(entries.filter((entry) => entry.target === `critical_grant:${grantId}`)).toEqual([
      expect.objectContaining({ actor: 'admin', before: null, after: expect.objectContaining({ user: 'lea', max_runtime_s: 900 }) }),
    ]);
  });

  it.each([
    ['a P1 job of the grantee', 'lea', { priority: 'P1' }],
    ['a P0 job of another user', 'zoe', { priority: 'P0' }],
  ])('leaves %s unapproved', async (_case, owner, extra) => {
    const job = await submit(owner, extra);
    expect(await approvedBy(job.job_id)).toBeNull();
  });

  it('ignores an expired grant', async () => {
    // The API rejects a past expiry, so the expired grant is written to the store directly.
    await service.db('critical_grants').insert({
      user_name: 'ben',
      expires_at: new Date(Date.now() - 1000),
      max_runtime_s: 600,
      reason: 'Expired drill',
      created_by: 'admin',
      created_at: new Date(Date.now() - 7200_000),
    });
    const job = await submit('ben', { priority: 'P0' });
    expect(await approvedBy(job.job_id)).toBeNull();
  });

  it('lists only grants that have not expired', async () => {
    const response = await apiFetch(service.url, '/admin/critical-grants', {}, 'admin');
    const { grants } = (await response.json()) as { grants: Array<{ id: number; user: string }> };
    expect(grants.map((entry) => entry.user)).toEqual(['lea']);
  });

  it.each([
    ['an expiry in the past', { expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
    ['a run time under a minute', { max_runtime_s: 10 }, 'max_runtime_s'],
    ['an empty reason', { reason: '  ' }, 'reason'],
    ['an unknown field', { priority: 'P0' }, 'priority'],
  ])('rejects a grant with %s', async (_case, change, field) => {
    const response = await grant({ user: 'ana', expires_at: IN_AN_HOUR(), max_runtime_s: 600, reason: 'Incident', ...change });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe(field);
  });

  it('shows the approval on the job', async () => {
    const job = await submit('ana', { priority: 'P0' });
    expect(job.critical_approval).toBeNull();

    await apiFetch(service.url, `/admin/jobs/${job.job_id}/approve-critical`, { method: 'POST' }, 'admin');
    const read = (await (await apiFetch(service.url, `/jobs/${job.job_id}`, {}, 'ana')).json()) as JobView;

    expect(read.critical_approval?.by).toBe('admin');
    expect(Date.parse(read.critical_approval?.at ?? '')).not.toBeNaN();
  });

  it('caps an admin approval at the settings maximum', async () => {
    const job = await submit('ana', { priority: 'P0', timeout_s: 5000 });
    const response = await apiFetch(service.url, `/admin/jobs/${job.job_id}/approve-critical`, { method: 'POST' }, 'admin');
    expect(response.status).toBe(200);
    expect(((await response.json()) as JobView).spec).toMatchObject({ timeout_s: 3600 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { inlineNotebookJob, postJson, startTestService, type TestService, apiFetch } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

// Jobs that wait for a start far in the future stay queued, so these tests see the API alone.
const LATER = '2099-01-01T00:00:00Z';

describe(`jobs API on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let base: string;

  beforeAll(async () => {
    service = await startTestService();
    base = service.url;
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function submitQueued(extra: Record<string, unknown> = {}): Promise<JobView> {
    const owner = typeof extra['owner'] === 'string' ? extra['owner'] : 'ana';
    const response = await postJson(base, '/jobs', inlineNotebookJob(['1 + 1'], { not_before: LATER, ...extra }), {}, owner);
    expect(response.status).toBe(201);
    return (await response.json()) as JobView;
  }

  describe('POST /jobs', () => {
    it('stores the job and returns its canonical spec', async () => {
      const job = await submitQueued({ label: 'H', priority: 'P1' });
      expect(job.state).toBe('submitted');
      expect(job.pool).toBe('heavy');
      expect(job.spec).toMatchObject({ job_id: job.job_id, label: 'H', priority: 'P1', pool: 'heavy', max_executors: 1 });
      expect(JSON.stringify(job.spec)).not.toContain('"content"');
    });

    it.each([
      ['an unknown field', { owner: 'ana', source: { kind: 'script', content: 'x' }, colour: 'red' }, 'colour'],
      ['a wrong type', { owner: 'ana', source: { kind: 'script', content: 'x' }, cores_per_executor: 'two' }, 'cores_per_executor'],
      ['a value out of range', { owner: 'ana', source: { kind: 'script', content: 'x' }, timeout_s: 0 }, 'timeout_s'],
      ['a notebook that is not JSON', { owner: 'ana', source: { kind: 'notebook', content: 'not json' } }, 'source.content'],
      ['a missing path', { owner: 'ana', source: { kind: 'notebook', path: '/no/such/notebook.ipynb' } }, 'source.path'],
      ['p50 above p90', { owner: 'ana', source: { kind: 'script', content: 'x' }, eta_p50_s: 90, eta_p90_s: 10 }, 'eta_p50_s'],
    ])('rejects %s with 400 naming the field', async (_case, body, field) => {
      const response = await postJson(base, '/jobs', body);
      expect(response.status).toBe(400);
      const error = (await response.json()) as { error: string; message: string; field: string };
      expect(error.field).toBe(field);
      expect(error.message.length).toBeGreaterThan(20);
    });

    it('rejects a job larger than the cluster with 422', async () => {
      const response = await postJson(base, '/jobs', inlineNotebookJob(['1'], { max_executors: 1000, cores_per_executor: 256 }));
      expect(response.status).toBe(422);
      expect(((await response.json()) as { message: string }).message).toMatch(/cluster has/);
    });

    it('rejects a body that is not JSON with 400', async () => {
      const response = await apiFetch(base, `/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"owner":' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_json');
    });

    it('returns the first job for a repeated Idempotency-Key', async () => {
      const body = inlineNotebookJob(['2 + 2'], { not_before: LATER });
      const first = await postJson(base, '/jobs', body, { 'Idempotency-Key': 'nightly-42' });
      const second = await postJson(base, '/jobs', body, { 'Idempotency-Key': 'nightly-42' });
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(((await second.json()) as JobView).job_id).toBe(((await first.json()) as JobView).job_id);
    });

    it('rejects a reused Idempotency-Key with another body with 422', async () => {
      await postJson(base, '/jobs', inlineNotebookJob(['3'], { not_before: LATER }), { 'Idempotency-Key': 'reused' });
      const response = await postJson(base, '/jobs', inlineNotebookJob(['4'], { not_before: LATER }), { 'Idempotency-Key': 'reused' });
      expect(response.status).toBe(422);
    });
  });

  describe('GET /jobs', () => {
    it('filters by owner and pool and pages by cursor', async () => {
      for (let i = 0; i < 3; i++) await submitQueued({ owner: 'pager', label: 'H' });
      await submitQueued({ owner: 'pager', label: 'L' });

      const first = (await (await apiFetch(base, `/jobs?owner=pager&pool=heavy&limit=2`, {}, 'admin')).json()) as {
        jobs: JobView[];
        next_cursor: string | null;
      };
      expect(first.jobs).toHaveLength(2);
      expect(first.jobs.every((job) => job.owner === 'pager' && job.pool === 'heavy')).toBe(true);
      expect(first.next_cursor).not.toBeNull();

      const second = (await (await apiFetch(base, `/jobs?owner=pager&pool=heavy&limit=2&cursor=${first.next_cursor}`, {}, 'admin')).json()) as {
        jobs: JobView[];
        next_cursor: string | null;
      };
      expect(second.jobs).toHaveLength(1);
      expect(second.next_cursor).toBeNull();
      expect(second.jobs[0]?.job_id).toBeLessThan(first.jobs[1]?.job_id ?? 0);
    });

    it.each([
      ['state=lost', 'state'],
      ['pool=gpu', 'pool'],
      ['limit=0', 'limit'],
      ['cursor=abc', 'id'],
    ])('rejects the filter %s with 400', async (query, field) => {
      const response = await apiFetch(base, `/jobs?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    });
  });

  describe('GET /jobs/:id', () => {
    it('returns 404 for an unknown job', async () => {
      const response = await apiFetch(base, `/jobs/999999`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { message: string }).message).toMatch(/Job 999999 does not exist/);
    });

    it('returns 400 for an id that is not a number', async () => {
      expect((await apiFetch(base, `/jobs/abc`)).status).toBe(400);
    });
  });

  describe('POST /jobs/:id/cancel', () => {
    it('cancels a waiting job at once and records it on the timeline', async () => {
      const job = await submitQueued();
      const response = await apiFetch(base, `/jobs/${job.job_id}/cancel`, { method: 'POST' });
      expect(response.status).toBe(200);
      expect(((await response.json()) as JobView).state).toBe('cancelled');

      const { events } = (await (await apiFetch(base, `/jobs/${job.job_id}/events`)).json()) as { events: Array<{ to_state: string }> };
      expect(events.map((event) => event.to_state)).toContain('cancelled');
    });

    it('rejects cancelling a finished job with 409', async () => {
      const job = await submitQueued();
      await apiFetch(base, `/jobs/${job.job_id}/cancel`, { method: 'POST' });
      const again = await apiFetch(base, `/jobs/${job.job_id}/cancel`, { method: 'POST' });
      expect(again.status).toBe(409);
    });
  });

  it('serves an OpenAPI document built from the schemas', async () => {
    const document = (await (await apiFetch(base, `/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: { JobSubmission: { properties: Record<string, unknown> } } };
    };
    expect(document.openapi).toBe('3.0.3');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/jobs', '/jobs/{id}', '/jobs/{id}/cancel', '/health']));
    expect(Object.keys(document.components.schemas.JobSubmission.properties)).toEqual(
      expect.arrayContaining(['owner', 'label', 'priority', 'source', 'retry_policy', 'max_executors']),
    );
  });

  it('reports health with the store answering', async () => {
    const response = await apiFetch(base, `/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await apiFetch(base, `/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('not_found');
  });
});

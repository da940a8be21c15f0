import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/app.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const IN_AN_HOUR = new Date(Date.now() + 3600_000).toISOString();

describe(`request bodies on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  it.each<[string, string, string, unknown, string | null, string]>([
    ['a job', 'POST', '/jobs', { ...inlineNotebookJob(['1']), gpu: 1 }, 'ana', 'gpu'],
    ['a job source', 'POST', '/jobs', inlineNotebookJob(['1'], { source: { kind: 'script', content: 'x', shell: 'bash' } }), 'ana', 'source.shell'],
    ['a job input', 'POST', '/jobs', inlineNotebookJob(['1'], { inputs: [{ path: '/d', mode: 'rw' }] }), 'ana', 'inputs.0.mode'],
    ['a pre-flight request', 'POST', '/preflight', { ...inlineNotebookJob(['1']), extra: true }, 'ana', 'extra'],
    ['a reservation', 'POST', '/admin/reservations', { team: 't', cores: 1, mem_gb: 1, starts_at: IN_AN_HOUR, ends_at: '2099-01-01T00:00:00Z', colour: 'red' }, 'admin', 'colour'],
    ['policy settings', 'PUT', '/admin/policy', { settings: {}, force: true }, 'admin', 'force'],
    ['a critical grant', 'POST', '/admin/critical-grants', { user: 'ana', expires_at: IN_AN_HOUR, max_runtime_s: 600, reason: 'r', scope: 'all' }, 'admin', 'scope'],
  ])('rejects an unknown field in %s naming it', async (_case, method, route, body, user, field) => {
    const response = await apiFetch(service.url, route, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, user);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { field: string; message: string };
    expect(error.field).toBe(field);
    expect(error.message).toContain(`Unknown field ${field.split('.').pop() ?? ''}`);
  });

  it('rejects a body over the size limit with 413', async () => {
    const content = 'x'.repeat(MAX_BODY_BYTES + 1);
    const response = await postJson(service.url, '/jobs', { owner: 'ana', source: { kind: 'script', content } });
    expect(response.status).toBe(413);
    const error = (await response.json()) as { error: string; message: string };
    expect(error.error).toBe('body_too_large');
    expect(error.message).toContain(`${MAX_BODY_BYTES}-byte limit`);
  });

  it('rejects an inline source over its own limit', async () => {
    const content = 'x'.repeat(20 * 1024 * 1024 + 1);
    const response = await postJson(service.url, '/jobs', { owner: 'ana', source: { kind: 'script', content } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe('source.content');
  });

  it('rejects a body that is not JSON with 400', async () => {
    const response = await apiFetch(service.url, '/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"owner":' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_json');
  });

  it('rejects a submission sent as plain text with 400', async () => {
    const response = await apiFetch(service.url, '/jobs', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'print(1)' });
    expect(response.status).toBe(400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFetch, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

// Ids past PostgreSQL's integer range made the query itself fail, and the API returned 500.
const TOO_LARGE_ID = 1152353828990;

describe(`requests found by API fuzzing on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  it.each([
    ['approving a job', 'POST', `/admin/jobs/${TOO_LARGE_ID}/approve-critical`, 'admin'],
    ['getting a job', 'GET', `/jobs/${TOO_LARGE_ID}`, 'admin'],
    ['cancelling a job', 'POST', `/jobs/${TOO_LARGE_ID}/cancel`, 'admin'],
    ['listing jobs from a cursor', 'GET', `/jobs?cursor=${TOO_LARGE_ID}`, 'ana'],
    ['cancelling a reservation', 'DELETE', `/admin/reservations/${TOO_LARGE_ID}`, 'admin'],
    ['stopping a recurring job', 'DELETE', `/recurring/${TOO_LARGE_ID}`, 'ana'],
    ['revoking a token', 'DELETE', `/me/tokens/${TOO_LARGE_ID}`, 'ana'],
  ])('rejects an id past the integer range when %s', async (_case, method, route, user) => {
    const response = await apiFetch(service.url, route, { method }, user);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain('from 1 to 2147483647');
  });
});

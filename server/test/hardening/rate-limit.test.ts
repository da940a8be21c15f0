import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRateLimitSettings, TokenBuckets } from '../../src/api/rate-limit.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

describe('token buckets', () => {
  it.each([
    ['a full bucket allows the whole burst', [0, 0, 0], [0, 0, 0]],
    ['an empty bucket names the wait for one token', [0, 0, 0, 0], [0, 0, 0, 2000]],
    ['a token refills after its share of the minute', [0, 0, 0, 2000], [0, 0, 0, 0]],
    ['a half-refilled token still waits for the rest', [0, 0, 0, 1000], [0, 0, 0, 1000]],
  ])('%s', (_case, times, waits) => {
    // 30 per minute is one token every 2000 ms; a burst of 3.
    const buckets = new TokenBuckets({ perMinute: 30, burst: 3 });
    expect(times.map((at) => buckets.take('ana', at))).toEqual(waits);
  });

  it('keeps one bucket per user', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 });
    expect(buckets.take('ana', 0)).toBe(0);
    expect(buckets.take('ana', 0)).toBeGreaterThan(0);
    expect(buckets.take('ben', 0)).toBe(0);
  });

  it('never saves more than the burst', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 2 });
    const waits = [0, 0, 0].map(() => buckets.take('ana', 3_600_000));
    expect(waits).toEqual([0, 0, 1000]);
  });
});

describe('rate limit settings', () => {
  it.each([
    ['defaults to 30 a minute with bursts of 60', {}, { perMinute: 30, burst: 60 }],
    ['reads both variables', { DOFC_SUBMIT_RATE_PER_MIN: '600', DOFC_SUBMIT_BURST: '900' }, { perMinute: 600, burst: 900 }],
    ['raises the default burst to the rate', { DOFC_SUBMIT_RATE_PER_MIN: '100' }, { perMinute: 100, burst: 100 }],
  ])('%s', (_case, env, expected) => {
    expect(loadRateLimitSettings(env)).toEqual(expected);
  });

  it('rejects a rate of zero naming the variable', () => {
    expect(() => loadRateLimitSettings({ DOFC_SUBMIT_RATE_PER_MIN: '0' })).toThrow(/DOFC_SUBMIT_RATE_PER_MIN="0" is invalid/);
  });
});

describe(`submission rate limit on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  const later = { not_before: '2099-01-01T00:00:00Z' };

  beforeAll(async () => {
    service = await startTestService({ submitRateLimit: { perMinute: 1, burst: 2 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  it('answers 429 with Retry-After past the burst', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await postJson(service.url, '/jobs', inlineNotebookJob(['1'], later))).status).toBe(201);
    }
    const limited = await postJson(service.url, '/jobs', inlineNotebookJob(['1'], later));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited.json()) as { error: string; message: string };
    expect(body.error).toBe('rate_limited');
    expect(body.message).toMatch(/^ana sent more than 1 submissions per minute \(bursts of up to 2/);
  });

  it('counts pre-flight requests as submissions', async () => {
    expect((await postJson(service.url, '/preflight', inlineNotebookJob(['1']))).status).toBe(429);
  });

  it('limits each user separately', async () => {
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { ...later, owner: 'ben' }), {}, 'ben');
    expect(response.status).toBe(201);
  });

  it('leaves reads unlimited', async () => {
    expect((await apiFetch(service.url, '/jobs')).status).toBe(200);
  });
});

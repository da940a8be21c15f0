import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestService, waitForState, type TestService, apiFetch } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse the Prometheus text exposition format (version 0.0.4) into samples, skipping comments. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

async function scrape(service: TestService): Promise<{ contentType: string | null; samples: Sample[] }> {
  const response = await apiFetch(service.url, `/metrics`);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), samples: parseExposition(await response.text()) };
}

describe(`GET /metrics on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let other: TestService;
  let scraped: Awaited<ReturnType<typeof scrape>>;

  beforeAll(async () => {
    service = await startTestService();
    other = await startTestService();
    const response = await postJson(service.url, '/jobs', { owner: 'ana', source: { kind: 'script', content: 'print(6 * 7)' } });
    const job = (await response.json()) as { job_id: number };
    await waitForState(service.url, job.job_id);
    await apiFetch(service.url, `/jobs/999999`);
    scraped = await scrape(service);
  });
  afterAll(async () => {
    await service?.stopAndDrop();
    await other?.stopAndDrop();
  });

  it('serves the Prometheus text format', () => {
    expect(scraped.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts the finished job by pool and state', () => {
    expect(valueOf(scraped.samples, 'dofc_jobs', { pool: 'interactive', state: 'succeeded' })).toBe(1);
  });

  it('reports an empty queue as zero', () => {
    expect(valueOf(scraped.samples, 'dofc_jobs', { pool: 'heavy', state: 'queued' })).toBe(0);
    expect(valueOf(scraped.samples, 'dofc_jobs', { pool: 'interactive', state: 'queued' })).toBe(0);
  });

  it('counts the start decision and the admission', () => {
    expect(valueOf(scraped.samples, 'dofc_scheduler_decisions_total', { kind: 'start' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(scraped.samples, 'dofc_scheduler_admissions_total', { pool: 'interactive' })).toBe(1);
  });

  it('counts the job finished by outcome', () => {
    expect(valueOf(scraped.samples, 'dofc_jobs_finished_total', { pool: 'interactive', outcome: 'succeeded' })).toBe(1);
  });

  it('observes scheduling cycles', () => {
    expect(valueOf(scraped.samples, 'dofc_scheduler_cycle_duration_seconds_count')).toBeGreaterThan(0);
    expect(valueOf(scraped.samples, 'dofc_scheduler_cycle_duration_seconds_bucket', { le: '+Inf' })).toBeGreaterThan(0);
  });

  it('labels request latency by route pattern and status', () => {
    const labels = { method: 'GET', route: '/jobs/:id', status: '200' };
    expect(valueOf(scraped.samples, 'dofc_http_request_duration_seconds_count', labels)).toBeGreaterThan(0);
    expect(valueOf(scraped.samples, 'dofc_http_request_duration_seconds_count', { route: '/jobs/:id', status: '404' })).toBe(1);
    expect(valueOf(scraped.samples, 'dofc_http_request_duration_seconds_count', { route: '/jobs', status: '201' })).toBe(1);
  });

  it('keeps a separate registry per service', async () => {
    const { samples } = await scrape(other);
    expect(valueOf(samples, 'dofc_scheduler_admissions_total', { pool: 'interactive' })).toBeUndefined();
    expect(valueOf(samples, 'dofc_jobs', { pool: 'interactive', state: 'succeeded' })).toBe(0);
  });
});

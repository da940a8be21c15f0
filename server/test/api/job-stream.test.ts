import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { inlineNotebookJob, postJson, startTestService, type TestService, apiFetch } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

// A start far in the future keeps a job queued until the test cancels it.
const LATER = '2099-01-01T00:00:00Z';

/** Reads `event: job` messages from an open Server-Sent Events response. */
class JobEventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';

  constructor(response: Response) {
    if (response.body === null) throw new Error('the stream response has no body');
    this.reader = response.body.getReader();
  }

  /** Return the next job event that satisfies `accept`, skipping others, or fail after `timeoutMs`. */
  async next(accept: (job: JobView) => boolean, timeoutMs = 10_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = this.takeEvent();
      if (job !== undefined) {
        if (accept(job)) return job;
        continue;
      }
      if (Date.now() > deadline) throw new Error(`no matching job event within ${timeoutMs} ms; buffer: ${this.buffer}`);
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the stream ended before a matching job event');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel();
  }

  private takeEvent(): JobView | undefined {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return undefined;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const lines = block.split('\n');
      if (!lines.includes('event: job')) continue;
      const data = lines.find((line) => line.startsWith('data: '));
      if (data !== undefined) return JSON.parse(data.slice('data: '.length)) as JobView;
    }
  }
}

describe(`job stream on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let base: string;

  beforeAll(async () => {
    service = await startTestService();
    base = service.url;
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function submitQueued(owner: string): Promise<JobView> {
    const response = await postJson(base, '/jobs', inlineNotebookJob(['1 + 1'], { owner, not_before: LATER }), {}, owner);
    expect(response.status).toBe(201);
    return (await response.json()) as JobView;
  }

  it('sends the event-stream content type', async () => {
    const response = await apiFetch(base, `/jobs/stream`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await response.body?.cancel();
  });

  it('pushes a job state change without polling', async () => {
    const job = await submitQueued('stream-one');
    const reader = new JobEventReader(await apiFetch(base, `/jobs/${job.job_id}/stream`, {}, 'stream-one'));

    const first = await reader.next(() => true);
    expect(first.job_id).toBe(job.job_id);

    await postJson(base, `/jobs/${job.job_id}/cancel`, {}, {}, 'stream-one');
    const cancelled = await reader.next((view) => view.state === 'cancelled');
    expect(cancelled.job_id).toBe(job.job_id);
    await reader.close();
  });

  it('owner stream leaves out other owners', async () => {
    const reader = new JobEventReader(await apiFetch(base, `/jobs/stream?owner=stream-mine`, {}, 'admin'));
    const other = await submitQueued('stream-other');
    const mine = await submitQueued('stream-mine');

    const seen = await reader.next((view) => view.job_id === mine.job_id || view.job_id === other.job_id);
    expect(seen.job_id).toBe(mine.job_id);
    expect(seen.owner).toBe('stream-mine');
    await reader.close();
  });

  it('owner stream starts with active jobs', async () => {
    const queued = await submitQueued('stream-start');
    const reader = new JobEventReader(await apiFetch(base, `/jobs/stream?owner=stream-start`, {}, 'admin'));

    const first = await reader.next(() => true);
    expect(first.job_id).toBe(queued.job_id);
    await reader.close();
  });

  it.each([
    ['an unknown job', '/jobs/999999/stream', 404],
    ['an invalid job id', '/jobs/abc/stream', 400],
    ['an empty owner', '/jobs/stream?owner=', 400],
  ])('rejects %s', async (_case, route, status) => {
    const response = await apiFetch(base, route);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message.length).toBeGreaterThan(10);
  });
});

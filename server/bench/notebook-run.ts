import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JobView } from '../src/contract/job-view.js';
import { getJob, postJson, type TestService } from '../test/support/service.js';

/** One line of an attempt's events.jsonl, with the fields the start benchmarks read. */
export interface RunnerEvent {
  event: string;
  /** Seconds since the epoch. */
  at: number;
  cell?: number;
  warm?: boolean;
}

export interface FinishedRun {
  jobId: number;
  /** Epoch milliseconds just before the submit request. */
  submittedAt: number;
  events: RunnerEvent[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readEvents(service: TestService, jobId: number): RunnerEvent[] {
  const file = path.join(service.config.dataDir, 'jobs', String(jobId), 'attempt-1', 'events.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RunnerEvent);
}

/** Submit a job, wait until it succeeded, and return its runner events; a job that failed throws. */
export async function runJobToEnd(service: TestService, submission: Record<string, unknown>): Promise<FinishedRun> {
  const submittedAt = Date.now();
  const response = await postJson(service.url, '/jobs', submission);
  if (response.status !== 201) throw new Error(`submit returned ${response.status}: ${await response.text()}`);
  const job = (await response.json()) as JobView;

  // Wait for the end, so every submit meets an idle scheduler.
  for (;;) {
    const current = await getJob(service.url, job.job_id);
    if (current.state === 'succeeded') break;
    if (current.state === 'failed' || current.state === 'cancelled') throw new Error(`job ${job.job_id} ended ${current.state}: ${current.reason?.message}`);
    await sleep(50);
  }
  return { jobId: job.job_id, submittedAt, events: readEvents(service, job.job_id) };
}

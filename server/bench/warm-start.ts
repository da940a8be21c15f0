// Measures submit → first cell executed for a Light notebook, with the warm kernel pool off and on: the median of 20 each.
// The three configurations run as three services at once and take turns, one job at a time.
// Run: cd server && npx tsx bench/warm-start.ts [--runs N]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobView } from '../src/contract/job-view.js';
import type { WarmKernelSettings } from '../src/executors/local/warm-settings.js';
import { getJob, inlineNotebookJob, postJson, startTestService, type TestService } from '../test/support/service.js';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;

/** A typical first cell of an interactive notebook: pandas, then a small computation. */
const CELLS = ['import pandas as pd', 'pd.DataFrame({"a": [1, 2, 3]})["a"].sum()'];

interface RunnerEvent {
  event: string;
  at: number;
  cell?: number;
  warm?: boolean;
}

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

function summarize(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  return { median_ms: quantile(sorted, 0.5), p90_ms: quantile(sorted, 0.9), min_ms: sorted[0] as number, max_ms: sorted[sorted.length - 1] as number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readEvents(service: TestService, jobId: number): RunnerEvent[] {
  const file = path.join(service.config.dataDir, 'jobs', String(jobId), 'attempt-1', 'events.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RunnerEvent);
}

/** Wait until the pool has all its kernels ready, so each run meets an idle, full pool. */
async function waitForFullPool(service: TestService, size: number): Promise<void> {
  const status = path.join(service.config.dataDir, 'warm-kernels', 'status.json');
  for (let waited = 0; waited < 120_000; waited += 100) {
    try {
      if ((JSON.parse(readFileSync(status, 'utf8')) as { ready: number }).ready >= size) return;
    } catch {
      // The pool has not written its status yet.
    }
    await sleep(100);
  }
  throw new Error(`the warm pool did not refill to ${size} kernels within 120 s`);
}

interface Mode {
  name: string;
  warmKernels: WarmKernelSettings;
  service?: TestService;
  submitToFirstCell: number[];
  runnerToFirstCell: number[];
  warmStarts: number;
}

/** Submit one Light notebook, wait for its end, and record its start latencies. */
async function runOnce(mode: Mode): Promise<void> {
  const service = mode.service as TestService;
  if (mode.warmKernels.size > 0) await waitForFullPool(service, mode.warmKernels.size);
  const submittedAt = Date.now();
  const response = await postJson(service.url, '/jobs', inlineNotebookJob(CELLS, { owner: 'ana', label: 'L' }));
  if (response.status !== 201) throw new Error(`submit returned ${response.status}: ${await response.text()}`);
  const job = (await response.json()) as JobView;

  // Wait for the end, so every submit meets an idle scheduler.
  for (;;) {
    const current = await getJob(service.url, job.job_id);
    if (current.state === 'succeeded') break;
    if (current.state === 'failed' || current.state === 'cancelled') throw new Error(`job ${job.job_id} ended ${current.state}: ${current.reason?.message}`);
    await sleep(50);
  }

  const events = readEvents(service, job.job_id);
  const started = events.find((event) => event.event === 'started');
  const firstCell = events.find((event) => event.event === 'cell' && event.cell === 1);
  if (started === undefined || firstCell === undefined) throw new Error(`job ${job.job_id} has no started or first-cell event`);
  mode.submitToFirstCell.push(Math.round(firstCell.at * 1000 - submittedAt));
  mode.runnerToFirstCell.push(Math.round((firstCell.at - started.at) * 1000));
  if (events.some((event) => event.event === 'kernel' && event.warm === true)) mode.warmStarts += 1;
}

async function main(): Promise<void> {
  const modes: Mode[] = [
    { name: 'cold (pool off)', warmKernels: { size: 0, preload: [] } },
    { name: 'warm (2 kernels, pandas preloaded)', warmKernels: { size: 2, preload: ['pandas'] } },
    { name: 'warm (2 kernels, nothing preloaded)', warmKernels: { size: 2, preload: [] } },
  ].map((mode) => ({ ...mode, submitToFirstCell: [], runnerToFirstCell: [], warmStarts: 0 }));
  console.log(JSON.stringify({ cpus: os.cpus().length, load_average_1m: os.loadavg()[0] }));

  try {
    for (const mode of modes) mode.service = await startTestService({ warmKernels: mode.warmKernels });
    // The modes take turns, so a change in the machine's load affects all of them alike.
    for (let run = 0; run < RUNS; run++) {
      for (const mode of modes) await runOnce(mode);
    }
  } finally {
    for (const mode of modes) await mode.service?.stopAndDrop();
  }

  for (const mode of modes) {
    console.log(
      JSON.stringify({
        mode: mode.name,
        runs: RUNS,
        warm_starts: mode.warmStarts,
        submit_to_first_cell: summarize(mode.submitToFirstCell),
        runner_start_to_first_cell: summarize(mode.runnerToFirstCell),
      }),
    );
  }
  console.log(JSON.stringify({ load_average_1m_after: os.loadavg()[0] }));
}

await main();

// Measures submit → first cell executed for a Light notebook, with the warm kernel pool off and on: the median of 20 each.
// The three configurations run as three services at once and take turns, one job at a time.
// Run: cd server && npx tsx bench/warm-start.ts [--runs N]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WarmKernelSettings } from '../src/executors/local/warm-settings.js';
import { inlineNotebookJob, startTestService, type TestService } from '../test/support/service.js';
import { summarize } from './latency-summary.js';
import { runJobToEnd } from './notebook-run.js';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;

/** A typical first cell of an interactive notebook: pandas, then a small computation. */
const CELLS = ['import pandas as pd', 'pd.DataFrame({"a": [1, 2, 3]})["a"].sum()'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const { jobId, submittedAt, events } = await runJobToEnd(service, inlineNotebookJob(CELLS, { owner: 'ana', label: 'L' }));

  const started = events.find((event) => event.event === 'started');
  const firstCell = events.find((event) => event.event === 'cell' && event.cell === 1);
  if (started === undefined || firstCell === undefined) throw new Error(`job ${jobId} has no started or first-cell event`);
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

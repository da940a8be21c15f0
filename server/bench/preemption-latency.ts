// Measures a Light kernel's cell latency while CPU-heavy jobs run on the same cores, and after
// the DOFC policy pauses them on the cell-latency signal. Prints the median and p95 per phase.
// Run: cd server && npx tsx bench/preemption-latency.ts [--jobs 3] [--workers 4] [--threshold-factor 1.5] [--seconds 300]
// --workers is the busy processes per heavy job; the policy's cell-latency threshold is
// --threshold-factor times the p95 of the idle cells measured first on the same machine. The run
// ends when ALL_PAUSED_CELLS cells ran with every heavy job paused, or after --seconds.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import type { JobView } from '../src/contract/job-view.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, type TestService } from '../test/support/service.js';

/**
 * The Light notebook's cell: pure Python work of roughly 0.5 s on an idle core, like a group-by
 * on a mid-sized frame. Much shorter cells hardly slow down, because Linux's scheduler runs a
 * task that wakes from sleep ahead of the busy ones for a few milliseconds.
 */
const LIGHT_CELL = 'sum(i * i for i in range(2_000_000))';

/** Seconds between two Light cells, as a person working in a notebook runs them. */
const LIGHT_PAUSE_S = 0.5;

/** Light cells measured with no heavy job, to set the threshold from this machine's own speed. */
const IDLE_CELLS = 30;

/** Light cells measured once every heavy job is paused; the run ends after them. */
const ALL_PAUSED_CELLS = 20;

/**
 * Build a heavy job that keeps `workers` processes busy, in stages of 3 s that `dofc.checkpoint`
 * saves, so a pause takes effect within one stage.
 */
const heavyNotebook = (workers: number): string[] => [
  [
    'import time',
    'from multiprocessing import Pool',
    'import dofc',
    'def burn(seconds):',
    '    end = time.perf_counter() + seconds',
    '    count = 0',
    '    while time.perf_counter() < end:',
    '        count += 1',
    '    return count',
    'def burn_all(seconds):',
    `    with Pool(${workers}) as pool:`,
    `        return sum(pool.map(burn, [seconds] * ${workers}))`,
  ].join('\n'),
  'for stage in range(100):\n    dofc.checkpoint(f"stage-{stage:03d}", lambda: burn_all(3))',
];

/** Starts a Jupyter kernel and runs LIGHT_CELL on it in a loop, printing each cell's seconds as one line. */
const KERNEL_DRIVER = `
import json, signal, sys, time
from jupyter_client.manager import start_new_kernel
# SIGTERM from the benchmark ends the loop through the finally clause, which stops the kernel too.
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
manager, client = start_new_kernel(kernel_name="python3")
try:
    while True:
        started = time.perf_counter()
        client.execute_interactive(${JSON.stringify(LIGHT_CELL)}, timeout=120, output_hook=lambda message: None)
        print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)
        time.sleep(${LIGHT_PAUSE_S})
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=True)
`;

interface Sample {
  seconds: number;
  /** Heavy jobs running, and paused, when the cell finished. */
  running: number;
  paused: number;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} ${process.argv[index + 1]} is invalid: give a positive number.`);
  return value;
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function summarize(name: string, samples: Sample[]): Record<string, unknown> {
  const seconds = samples.map((sample) => sample.seconds);
  const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
  return { phase: name, cells: seconds.length, median_s: round(quantile(seconds, 0.5)), p95_s: round(quantile(seconds, 0.95)) };
}

async function heavyStates(service: TestService, ids: number[]): Promise<{ running: number; paused: number }> {
  let running = 0;
  let paused = 0;
  for (const id of ids) {
    const job = (await (await apiFetch(service.url, `/jobs/${id}`)).json()) as JobView;
    if (job.state === 'running') running += 1;
    if (job.state === 'paused') paused += 1;
  }
  return { running, paused };
}

async function main(): Promise<void> {
  const jobCount = option('--jobs', 3);
  const heavySeconds = option('--seconds', 300);
  const workers = option('--workers', 4);
  const thresholdFactor = option('--threshold-factor', 1.5);
  // Other work on the machine slows the Light cells too, so the load before the run is part of the result.
  const loadBefore = os.loadavg()[0];
  // The declared capacity leaves room for every heavy job at once; the machine's own cores are what they compete for.
  const service = await startTestService({
    capacity: { cores: jobCount + 2, memGb: 16 },
    pauseGraceS: 30,
    cellLatency: { windowS: 15, minSamples: 5 },
  });
  const kernel = spawn(service.config.python, ['-c', KERNEL_DRIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  // One iterator for the whole run, because leaving a for-await loop would close the stream.
  const lines = createInterface({ input: kernel.stdout })[Symbol.asyncIterator]();
  const nextCell = async (): Promise<number> => {
    const next = await lines.next();
    if (next.done === true) throw new Error('the Light kernel driver stopped; its error is printed above');
    return (JSON.parse(next.value) as { seconds: number }).seconds;
  };

  const ids: number[] = [];
  try {
    const idle: Sample[] = [];
    for (let i = 0; i < IDLE_CELLS; i += 1) idle.push({ seconds: await nextCell(), running: 0, paused: 0 });
    const threshold = Math.max(0.1, thresholdFactor * (quantile(idle.map((sample) => sample.seconds), 0.95) as number));

    // A breach must last 10 s, and a job may be paused as soon as it runs but only once, so a
    // resumed job is not paused again. One user may run every heavy job, as all of them are the bench's.
    const settings = {
      preemption: { cellLatencyThresholdS: threshold, windowS: 10, minRunS: 0, maxPerJob: 1, maxPerRound: 1 },
      heavy: { maxRunningPerUser: jobCount },
    };
    const stored = await apiFetch(service.url, '/admin/policy', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings }) }, 'admin');
    if (!stored.ok) throw new Error(`PUT /admin/policy returned ${stored.status}: ${await stored.text()}`);

    for (let i = 0; i < jobCount; i += 1) {
      const response = await postJson(service.url, '/jobs', inlineNotebookJob(heavyNotebook(workers), { label: 'H', checkpoint: true, timeout_s: 3600 }));
      if (response.status !== 201) throw new Error(`POST /jobs returned ${response.status}: ${await response.text()}`);
      ids.push(((await response.json()) as JobView).job_id);
    }

    const contended: Sample[] = [];
    const deadline = Date.now() + heavySeconds * 1000;
    const allPaused = (sample: Sample) => sample.paused === jobCount;
    while (Date.now() < deadline && contended.filter(allPaused).length < ALL_PAUSED_CELLS) {
      const seconds = await nextCell();
      const at = new Date().toISOString();
      // The cell-latency report is what the JupyterLab extension sends for a Light notebook.
      const report = await postJson(service.url, '/observations/cell-latency', { samples: [{ notebook: 'bench.ipynb', duration_ms: seconds * 1000, at }] });
      if (report.status !== 202) throw new Error(`POST /observations/cell-latency returned ${report.status}: ${await report.text()}`);
      contended.push({ seconds, ...(await heavyStates(service, ids)) });
    }

    // One row per combination of running and paused heavy jobs that the cells met, most running first.
    const groups = new Map<string, Sample[]>();
    const ordered = [...contended].sort((a, b) => b.running - a.running || a.paused - b.paused);
    for (const sample of ordered) {
      const key = `${sample.running} heavy running, ${sample.paused} paused`;
      groups.set(key, [...(groups.get(key) ?? []), sample]);
    }
    const rows = [summarize('idle, no heavy job', idle), ...[...groups].map(([key, samples]) => summarize(key, samples))];
    const threshold_s = Math.round(threshold * 1000) / 1000;
    const load = { before: loadBefore, after: os.loadavg()[0] };
    console.log(JSON.stringify({ threshold_s, jobs: jobCount, workers, load_average_1m: load, phases: rows }, null, 2));
  } finally {
    const driverExited = new Promise((resolve) => kernel.once('exit', resolve));
    kernel.kill('SIGTERM');
    await driverExited;
    for (const id of ids) await apiFetch(service.url, `/jobs/${id}/cancel`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await service.stopAndDrop();
  }
}

await main();

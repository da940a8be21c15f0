// Measures the time from submit to running for a job on an idle scheduler: the median of 20.
// Run: cd server && npx tsx bench/submit-to-running.ts [--postgres URL]
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import type { JobEvent, JobView } from '../src/contract/job-view.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';

const RUNS = 20;

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

async function main(): Promise<void> {
  const postgresFlag = process.argv.indexOf('--postgres');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-bench-'));
  const config = loadConfig(postgresFlag > 0 ? { DATABASE_URL: process.argv[postgresFlag + 1] } : {}, { dataDir, port: 0 });
  const service = await startService(config, createLogger('warn'));
  const latencies: number[] = [];

  try {
    for (let run = 0; run < RUNS; run++) {
      const body = { owner: 'bench', source: { kind: 'script', content: 'print("hello")' } };
      const response = await fetch(`${service.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const job = (await response.json()) as JobView;

      // Wait for the end, so every submit meets an idle scheduler.
      for (;;) {
        const current = (await (await fetch(`${service.url}/jobs/${job.job_id}`)).json()) as JobView;
        if (current.state === 'succeeded' || current.state === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { events } = (await (await fetch(`${service.url}/jobs/${job.job_id}/events`)).json()) as { events: JobEvent[] };
      const submitted = events.find((event) => event.to_state === 'submitted');
      const running = events.find((event) => event.to_state === 'running');
      if (submitted === undefined || running === undefined) throw new Error(`job ${job.job_id} has no submitted or running event`);
      latencies.push(Date.parse(running.at) - Date.parse(submitted.at));
    }
  } finally {
    await service.close();
  }

  const sorted = [...latencies].sort((a, b) => a - b);
  const summary = {
    store: config.store.kind,
    runs: RUNS,
    median_ms: quantile(sorted, 0.5),
    p90_ms: quantile(sorted, 0.9),
    min_ms: sorted[0],
    max_ms: sorted[sorted.length - 1],
  };
  console.log(JSON.stringify(summary));
}

await main();

/**
 * Kill storm benchmark: real jobs run through the local executor while `dofc serve` is SIGKILLed
 * and restarted at seeded random moments. It prints whether any job was lost or ran twice.
 *
 *   cd server && npx tsc -p tsconfig.json && \
 *     npx tsx bench/fault-kill-storm.ts --postgres postgres://USER:PASSWORD@127.0.0.1:5432/DB [--jobs 200] [--kills 50] [--seed N]
 *
 * The URL's user must be allowed to create databases: the storm runs in a fresh one and drops it.
 * It runs a copy of the compiled server (server/dist), so compile first.
 */
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    postgres: { type: 'string' },
    jobs: { type: 'string', default: '200' },
    kills: { type: 'string', default: '50' },
    seed: { type: 'string' },
    'notebook-every': { type: 'string', default: '20' },
  },
});
if (values.postgres === undefined) {
  console.error('Missing --postgres URL: the kill storm needs a PostgreSQL server whose user may create databases.');
  process.exit(2);
}
// A test run elsewhere in the checkout recompiles server/dist, which would break scheduler
// processes started in the middle of a storm. So the storm runs a copy, with the checkout's
// dependencies, Python environment and Python package linked in.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const snapshot = mkdtempSync(path.join(os.tmpdir(), 'dofc-storm-server-'));
for (const folder of ['bin', 'dist']) cpSync(path.join(repoRoot, 'server', folder), path.join(snapshot, 'server', folder), { recursive: true });
cpSync(path.join(repoRoot, 'server', 'package.json'), path.join(snapshot, 'server', 'package.json'));
symlinkSync(path.join(repoRoot, 'server', 'node_modules'), path.join(snapshot, 'server', 'node_modules'));
for (const link of ['node_modules', '.venv', 'dofc']) symlinkSync(path.join(repoRoot, link), path.join(snapshot, link));
process.env['DOFC_TEST_SERVER_DIR'] = path.join(snapshot, 'server');

// The test store reads its server from the environment when its module loads, so set it first.
process.env['DOFC_TEST_DATABASE_URL'] = values.postgres;
const { createTestStore } = await import('../test/support/test-store.js');
const { runKillStorm } = await import('../test/faults/kill-storm.js');
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));

const store = await createTestStore();
try {
  if (store.location.kind !== 'postgres') throw new Error('the kill storm needs a PostgreSQL store');
  console.log(`seed ${seed}`);
  const report = await runKillStorm({
    store: store.location,
    jobs: Number(values.jobs),
    kills: Number(values.kills),
    seed,
    notebookEvery: Number(values['notebook-every']),
    drainTimeoutMs: 600_000,
    progress: (line) => console.log(line),
  });
  const count = (predicate: (job: (typeof report.outcomes)[number]) => boolean) => report.outcomes.filter(predicate).length;
  console.log(JSON.stringify({
    seed,
    jobs_submitted: report.submitted.length,
    jobs_stored: report.stored.length,
    kills: report.kills,
    kills_in_start_up: report.killsInStartUp,
    succeeded: count((job) => job.state === 'succeeded'),
    not_final: count((job) => !['succeeded', 'failed', 'cancelled'].includes(job.state)),
    runner_started_twice: count((job) => job.runnerStarts > 1),
    code_ran_twice: count((job) => job.codeRuns > 1),
    never_started: count((job) => job.runnerStarts === 0),
    requeued_after_restart: report.requeuedAfterRestart,
    reattached: report.reattached,
    kills_with_jobs_in: report.killsWithJobsIn,
    duration_s: report.durationS,
  }, null, 2));
} finally {
  await store.drop();
}

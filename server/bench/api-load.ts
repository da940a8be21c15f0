// Drives the HTTP API on loopback with autocannon: job submissions and status reads at a fixed
// overall rate against a scheduler backed by PostgreSQL, and prints p50, p99 and errors.
// Run: cd server && npx tsx bench/api-load.ts --postgres postgres://USER:PASSWORD@127.0.0.1:5432/postgres
//      [--rate 500] [--seconds 60] [--warmup 10] [--connections 50] [--mix submit-and-status|status]
//      [--api-only] [--cpu-profile DIR]
// --api-only holds the scheduler lock from another connection, so the server is a follower
// replica that serves the API while no scheduling cycle or pre-flight runs in it.
// The URL's user must be allowed to create databases: the benchmark works in a fresh one and drops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import knexFactory from 'knex';
import { SCHEDULER_LOCK_KEY } from '../src/scheduler/leader.js';
import { signedAssertionHeaders } from '../src/auth/signed-assertion.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: string | undefined): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? process.argv[index + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required; see the usage at the top of bench/api-load.ts`);
  return value;
}

async function withAdminConnection<T>(url: string, work: (db: knexFactory.Knex) => Promise<T>): Promise<T> {
  const db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Start `dofc serve` in a child process, so the load generator does not share its event loop. */
async function startScheduler(databaseUrl: string, secret: string, port: number, profileDir: string | null): Promise<ChildProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-api-load-'));
  const profiling = profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port)], {
    cwd: SERVER_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DOFC_DATA_DIR: dataDir,
      DOFC_SHARED_SECRET: secret,
      DOFC_LOG_LEVEL: 'warn',
      DOFC_WARM_KERNELS: '0',
      // The default limit (30 a minute per user) would reject most of this load with 429, which
      // measures the limiter instead of the API, so the benchmark raises it out of the way.
      DOFC_SUBMIT_RATE_PER_MIN: '1000000',
      DOFC_SUBMIT_BURST: '1000000',
    },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the scheduler exited with ${child.exitCode} at start-up`);
    const healthy = await fetch(`${base}/health`).then((response) => response.ok, () => false);
    if (healthy) return child;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  child.kill('SIGKILL');
  throw new Error('the scheduler did not respond to /health within 90 s; run it alone to see its start-up error');
}

async function mintToken(base: string, secret: string, user: string): Promise<string> {
  const headers = signedAssertionHeaders(Buffer.from(secret, 'utf8'), user, 'POST', '/me/tokens', Date.now());
  const response = await fetch(`${base}/me/tokens`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'api-load' }),
  });
  if (response.status !== 201) throw new Error(`POST /me/tokens returned ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

async function main(): Promise<void> {
  const adminUrl = option('postgres', undefined);
  const rate = Number(option('rate', '500'));
  const seconds = Number(option('seconds', '60'));
  const warmupSeconds = Number(option('warmup', '10'));
  const connections = Number(option('connections', '50'));
  const mix = option('mix', 'submit-and-status');
  if (mix !== 'submit-and-status' && mix !== 'status') throw new Error(`--mix ${mix} is invalid; use submit-and-status or status`);

  const database = `dofc_bench_${randomBytes(6).toString('hex')}`;
  await withAdminConnection(adminUrl, (db) => db.raw(`CREATE DATABASE ${database}`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;

  const secret = randomBytes(32).toString('hex');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const profileIndex = process.argv.indexOf('--cpu-profile');
  const profileDir = profileIndex > 0 ? path.resolve(option('cpu-profile', undefined)) : null;
  let lockHolder: knexFactory.Knex | null = null;
  if (process.argv.includes('--api-only')) {
    lockHolder = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 1, max: 1 } });
    await lockHolder.raw('SELECT pg_advisory_lock(?::bigint)', [SCHEDULER_LOCK_KEY]);
  }
  const scheduler = await startScheduler(url.toString(), secret, port, profileDir);

  try {
    const token = await mintToken(base, secret, 'bench');
    const authorization = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // The job waits for a start far in the future, so the load measures the API and not runners.
    const body = JSON.stringify({
      owner: 'bench',
      not_before: '2099-01-01T00:00:00Z',
      mem_per_executor_gb: 0.5,
      source: { kind: 'script', content: 'print("hello")' },
    });
    const seed = await fetch(`${base}/jobs`, { method: 'POST', headers: authorization, body });
    if (seed.status !== 201) throw new Error(`the first submission returned ${seed.status}: ${await seed.text()}`);
    const seedId = ((await seed.json()) as { job_id: number }).job_id;

    const load: autocannon.Options = {
      url: base,
      connections,
      overallRate: rate,
      headers: authorization,
      // Each connection alternates a submission and a status read, or only reads status.
      requests:
        mix === 'status'
          ? [{ method: 'GET', path: `/jobs/${seedId}` }]
          : [
              { method: 'POST', path: '/jobs', body },
              { method: 'GET', path: `/jobs/${seedId}` },
            ],
    };
    // A warm-up at the same rate lets V8 compile the hot paths and the pools open their
    // connections and processes, so the measured run shows the steady state.
    if (warmupSeconds > 0) await autocannon({ ...load, duration: warmupSeconds });
    const result = await autocannon({ ...load, duration: seconds });

    const summary = {
      store: 'postgres',
      mix,
      target_rate_per_s: rate,
      seconds,
      warmup_seconds: warmupSeconds,
      connections,
      requests: result.requests.total,
      achieved_rate_per_s: Math.round(result.requests.average),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      max_ms: result.latency.max,
      non_2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    console.log(JSON.stringify(summary));
  } finally {
    await lockHolder?.destroy();
    scheduler.kill('SIGTERM');
    await new Promise((resolve) => scheduler.once('exit', resolve));
    await withAdminConnection(adminUrl, (db) => db.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

await main();

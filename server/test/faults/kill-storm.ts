import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { JobView } from '../../src/contract/job-view.js';
import { seededRandom } from '../../src/replay/sequences.js';
import type { StoreLocation } from '../../src/store/database.js';
import { killScheduler, startSchedulerProcess } from '../support/scheduler-process.js';
import { inlineNotebookJob, postJson } from '../support/service.js';
import { appendRunMarker, runMarkerLines, startLines } from './run-evidence.js';

/**
 * A kill storm: real jobs through the real local executor while a `dofc serve` process is
 * SIGKILLed and restarted again and again, at seeded random moments. Afterwards the store and
 * the files the runners left show whether any job was lost or ran twice.
 */

export interface KillStormOptions {
  /** PostgreSQL only: a PGlite store is one process's, so the storm's checks could not open it beside the scheduler. */
  store: Extract<StoreLocation, { kind: 'postgres' }>;
  jobs: number;
  kills: number;
  seed: number;
  /** Every n-th job is a one-cell notebook (a Jupyter kernel); the others are Python scripts. */
  notebookEvery: number;
  /** Milliseconds the last scheduler gets to bring every job to a final state. */
  drainTimeoutMs: number;
  env?: Record<string, string>;
  /** Receives one line per life and per drain poll, for following a long storm. */
  progress?: (line: string) => void;
}

/**
 * One life of the scheduler process, drawn from the seed before the storm begins. A life that
 * reaches health is killed after its scheduler has stored a random number of timeline events
 * (each transition of a job writes one). So every life makes progress, and the kills land at
 * random points of the scheduler's work whatever the machine's speed.
 */
export interface SchedulerLife {
  /** Killed during start-up (migrations, recovery), before /health responds and before any submission. */
  killedInStartUp: boolean;
  /** Milliseconds from the spawn to SIGKILL, for a start-up kill. */
  killAfterMs: number;
  /** Timeline events stored after the life's submissions before SIGKILL, for the other kills. */
  killAfterEvents: number;
  submissions: number;
}

/** Maximum milliseconds a life waits for its events; it is killed then even if the scheduler has stored fewer. */
const MAX_LIFE_MS = 8_000;

export interface JobOutcome {
  id: number;
  state: string;
  reason: string | null;
  attempts: number;
  runnerStarts: number;
  codeRuns: number;
}

export interface KillStormReport {
  seed: number;
  /** Data folder of the storm: attempt folders under `jobs/`, each scheduler's output under `lives/`. */
  dataDir: string;
  kills: number;
  killsInStartUp: number;
  submitted: number[];
  /** Job ids found in the store after the storm. */
  stored: number[];
  outcomes: JobOutcome[];
  /** Attempts that a restarted scheduler fenced and queued again because their runner had not begun. */
  requeuedAfterRestart: number;
  /** Attempts left in `starting` whose runner had begun, which a restarted scheduler then marked running. */
  reattached: number;
  /**
   * For each job state, how many kills found at least one job in it, read from the store just
   * before the SIGKILL. Shows which phases of the scheduler the seed's kills hit.
   */
  killsWithJobsIn: Record<string, number>;
  durationS: number;
}

const FINAL_STATES = ['succeeded', 'failed', 'cancelled'];

/** Draws the lives: a random fifth of them, never the first, die in start-up; the others share the submissions. */
export function planLives(jobs: number, kills: number, seed: number): SchedulerLife[] {
  const random = seededRandom(seed);
  const lives = Array.from({ length: kills }, (_, index): SchedulerLife => {
    const killedInStartUp = index > 0 && random() < 0.2;
    const killAfterMs = killedInStartUp ? 100 + Math.floor(random() * 900) : 0;
    const killAfterEvents = killedInStartUp ? 0 : 1 + Math.floor(random() * 20);
    return { killedInStartUp, killAfterMs, killAfterEvents, submissions: 0 };
  });

  const submitting = lives.filter((life) => !life.killedInStartUp);
  for (let job = 0; job < jobs; job++) (submitting[job % submitting.length] as SchedulerLife).submissions += 1;
  return lives;
}

function jobBody(markerDir: string, index: number, notebookEvery: number, sleepS: number): Record<string, unknown> {
  const marker = appendRunMarker(markerDir, String(index));
  const work = `import time\ntime.sleep(${sleepS})\nprint("storm job ${index} done")`;
  if (index % notebookEvery === notebookEvery - 1) return inlineNotebookJob([marker, work]);
  return { owner: 'ana', source: { kind: 'script', content: `${marker}\n${work}\n` } };
}

/** Runs the storm and returns what the store and the runners' files show afterwards. */
export async function runKillStorm(options: KillStormOptions): Promise<KillStormReport> {
  const started = performance.now();
  const storm: Storm = {
    options,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'dofc-storm-')),
    markerDir: mkdtempSync(path.join(os.tmpdir(), 'dofc-storm-ran-')),
    // No warm kernel pool: each of the 51 scheduler starts would spawn two kernels importing
    // pandas, which alone costs more CPU than the storm's jobs. Warm kernels are not stormed here.
    env: { DOFC_CORES: '6', DOFC_MEMORY_GB: '24', DOFC_LOG_LEVEL: 'info', DOFC_WARM_KERNELS: '0', ...options.env },
    db: knexFactory({ client: 'pg', connection: options.store.url, pool: { min: 0, max: 1 } }),
    elapsedS: () => ((performance.now() - started) / 1000).toFixed(1),
    submitted: [],
    killsWithJobsIn: {},
  };
  try {
    const lives = planLives(options.jobs, options.kills, options.seed);
    await liveAndDie(storm, lives);
    await drain(storm);
    return { ...(await collectReport(storm, lives)), durationS: Math.round((performance.now() - started) / 100) / 10 };
  } finally {
    await storm.db.destroy();
  }
}

interface Storm {
  options: KillStormOptions;
  dataDir: string;
  markerDir: string;
  env: Record<string, string>;
  /** The storm's own connection to the store, for the states at each kill and the final checks. */
  db: Knex;
  elapsedS: () => string;
  submitted: number[];
  killsWithJobsIn: Record<string, number>;
}

/** Starts and SIGKILLs one scheduler process per life, submitting the life's jobs while it is healthy. */
async function liveAndDie(storm: Storm, lives: SchedulerLife[]): Promise<void> {
  const { options, dataDir, env } = storm;
  const random = seededRandom(options.seed ^ 0x5eed);

  for (const [index, life] of lives.entries()) {
    options.progress?.(
      `${storm.elapsedS()} s: life ${index + 1} of ${lives.length}, ` +
        (life.killedInStartUp ? `killed ${life.killAfterMs} ms into start-up` : `${life.submissions} submissions, killed after ${life.killAfterEvents} events`),
    );
    const scheduler = await startSchedulerProcess(dataDir, options.store, env, { awaitHealth: !life.killedInStartUp });
    try {
      for (let i = 0; i < life.submissions; i++) {
        const jobIndex = storm.submitted.length;
        const sleepS = Math.round(random() * 10) / 10;
        const response = await postJson(scheduler.url, '/jobs', jobBody(storm.markerDir, jobIndex, options.notebookEvery, sleepS));
        if (response.status !== 201) throw new Error(`submitting storm job ${jobIndex} returned ${response.status}: ${await response.text()}`);
        storm.submitted.push(((await response.json()) as JobView).job_id);
      }
      // Counted from after the submissions, which store events of their own.
      if (life.killedInStartUp) await sleep(life.killAfterMs);
      else await waitForEvents(storm.db, await lastEventId(storm.db), life.killAfterEvents);
      // The first life always reaches health, so the tables exist by the time any kill reads them.
      for (const state of await activeStates(storm.db)) storm.killsWithJobsIn[state] = (storm.killsWithJobsIn[state] ?? 0) + 1;
    } finally {
      await killScheduler(scheduler);
      keepOutput(storm, `life-${index + 1}`, scheduler.output());
    }
  }
}

/** Starts a last scheduler and leaves it running until every job is final or the drain timeout passes. */
async function drain(storm: Storm): Promise<void> {
  const last = await startSchedulerProcess(storm.dataDir, storm.options.store, storm.env);
  try {
    const deadline = Date.now() + storm.options.drainTimeoutMs;
    for (;;) {
      const open = await storm.db('jobs').whereNotIn('state', FINAL_STATES).count<Array<{ count: string }>>({ count: '*' });
      if (Number(open[0]?.count) === 0 || Date.now() > deadline) return;
      storm.options.progress?.(`${storm.elapsedS()} s: ${open[0]?.count} jobs not finished`);
      await sleep(500);
    }
  } finally {
    await killScheduler(last);
    keepOutput(storm, 'drain', last.output());
  }
}

/** Writes a scheduler's output to `<dataDir>/lives/`, where a failed storm's report points. */
function keepOutput(storm: Storm, name: string, output: string): void {
  mkdirSync(path.join(storm.dataDir, 'lives'), { recursive: true });
  writeFileSync(path.join(storm.dataDir, 'lives', `${name}.log`), output, 'utf8');
}

async function collectReport(storm: Storm, lives: SchedulerLife[]): Promise<Omit<KillStormReport, 'durationS'>> {
  const rows = await storm.db('jobs')
    .select<Array<{ id: number; state: string; reason_message: string | null; attempt: number }>>('id', 'state', 'reason_message', 'attempt')
    .orderBy('id');
  const codes = await storm.db('job_events').whereIn('code', ['requeued_after_restart', 'reattached']).select<Array<{ code: string }>>('code');
  const markerOf = new Map(storm.submitted.map((id, index) => [id, String(index)]));
  return {
    seed: storm.options.seed,
    dataDir: storm.dataDir,
    kills: lives.length,
    killsInStartUp: lives.filter((life) => life.killedInStartUp).length,
    submitted: storm.submitted,
    stored: rows.map((row) => row.id),
    outcomes: rows.map((row) => ({
      id: row.id,
      state: row.state,
      reason: row.reason_message,
      attempts: row.attempt,
      runnerStarts: startLines(storm.dataDir, row.id).length,
      codeRuns: runMarkerLines(storm.markerDir, markerOf.get(row.id) ?? `unknown-job-${row.id}`).length,
    })),
    requeuedAfterRestart: codes.filter((row) => row.code === 'requeued_after_restart').length,
    reattached: codes.filter((row) => row.code === 'reattached').length,
    killsWithJobsIn: storm.killsWithJobsIn,
  };
}

async function lastEventId(db: Knex): Promise<number> {
  const rows = await db('job_events').max<Array<{ max: number | null }>>({ max: 'id' });
  return Number(rows[0]?.max ?? 0);
}

/** Waits until `count` events have been stored after event `baseline`, or MAX_LIFE_MS passes. */
async function waitForEvents(db: Knex, baseline: number, count: number): Promise<void> {
  const deadline = Date.now() + MAX_LIFE_MS;
  while (Date.now() < deadline) {
    const stored = await db('job_events').where('id', '>', baseline).count<Array<{ count: string }>>({ count: '*' });
    if (Number(stored[0]?.count) >= count) return;
    await sleep(20);
  }
}

/** Returns the states that at least one job is in, leaving out the final ones. */
async function activeStates(db: Knex): Promise<string[]> {
  const rows = await db('jobs').whereNotIn('state', FINAL_STATES).distinct<Array<{ state: string }>>('state');
  return rows.map((row) => row.state);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

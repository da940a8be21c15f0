import type { Knex } from 'knex';
import type { AttemptRow, JobRow } from '../../store/job-rows.js';
import { reasonOf } from '../../store/job-rows.js';
import { findSparkEventLog, type Diagnosis } from '../error-catalogue/index.js';
import { analyzeSparkEventLogFile } from '../spark-report/index.js';
import { readCellTimings } from './cell-timings.js';
import type { AttemptSummary, JobReport, QueueWait, RuntimeComparison, SparkSection } from './types.js';

/** Build the post-run report of a job from the store and its last attempt's folder. */
export async function buildJobReport(db: Knex, job: JobRow, now: Date): Promise<JobReport> {
  const attempts = await db<AttemptRow>('job_attempts').where({ job_id: job.id }).orderBy('attempt');
  const firstPromise = await db('job_events')
    .where({ job_id: job.id, type: 'promise' })
    .whereRaw("data->>'planned_start' is not null")
    .orderBy('id')
    .first();
  const firstQueued = await db('job_events').where({ job_id: job.id, type: 'state', to_state: 'queued' }).orderBy('id').first('at');

  const summaries = attempts.map((attempt) => summarizeAttempt(attempt, now));
  const ran = summaries.filter((summary) => summary.started_at !== null);
  const last = attempts.at(-1);
  const lastSummary = summaries.at(-1);
  const coreSeconds = ran.reduce((sum, summary) => sum + (summary.duration_s ?? 0), 0) * job.cores;

  return {
    job_id: job.id,
    name: job.name,
    owner: job.owner,
    pool: job.pool,
    state: job.state,
    reason: reasonOf(job),
    diagnosis: [...summaries].reverse().find((summary) => summary.diagnosis !== null)?.diagnosis ?? null,
    runtime: compareRuntime(job, lastSummary?.duration_s ?? null),
    queue: queueWait(job, ran[0]?.started_at ?? null, firstPromise?.data?.planned_start ?? null, firstQueued?.at ?? null),
    usage: { cores: job.cores, mem_gb: job.mem_gb, core_hours: round(coreSeconds / 3600, 4) },
    attempts: summaries,
    retries: Math.max(0, ran.length - 1),
    cells: last === undefined ? [] : await readCellTimings(last.attempt_dir),
    spark: last === undefined ? null : await sparkSection(last.attempt_dir, job.spec.max_executors),
  };
}

function summarizeAttempt(attempt: AttemptRow, now: Date): AttemptSummary {
  const started = attempt.started_at === null ? null : new Date(attempt.started_at);
  const ended = attempt.ended_at === null ? null : new Date(attempt.ended_at);
  // A running attempt is measured up to now, so the report of a running job is live.
  const until = ended ?? (started === null ? null : now);
  const outcome = attempt.outcome as { verdict?: string; code?: string; diagnosis?: Diagnosis | null } | null;
  return {
    attempt: attempt.attempt,
    started_at: started?.toISOString() ?? null,
    ended_at: ended?.toISOString() ?? null,
    duration_s: started === null || until === null ? null : round((until.getTime() - started.getTime()) / 1000, 3),
    verdict: outcome?.verdict ?? null,
    code: outcome?.code ?? null,
    diagnosis: outcome?.diagnosis ?? null,
  };
}

function compareRuntime(job: JobRow, actual: number | null): RuntimeComparison {
  const p50 = job.spec.eta_p50_s ?? null;
  const p90 = job.spec.eta_p90_s ?? null;
  return {
    predicted_p50_s: p50,
    predicted_p90_s: p90,
    actual_s: actual,
    ratio_to_p50: p50 === null || actual === null ? null : round(actual / p50, 3),
    over_p90: p90 === null || actual === null ? null : actual > p90,
  };
}

function queueWait(job: JobRow, firstStart: string | null, promised: string | null, queuedAt: Date | string | null): QueueWait {
  const submitted = new Date(job.submitted_at);
  const seconds = (from: Date, to: Date | string | null): number | null =>
    to === null ? null : round((new Date(to).getTime() - from.getTime()) / 1000, 3);
  return {
    submitted_at: submitted.toISOString(),
    first_promised_start: promised === null ? null : new Date(promised).toISOString(),
    first_started_at: firstStart,
    wait_s: seconds(submitted, firstStart),
    preflight_s: seconds(submitted, queuedAt),
    late_by_s: promised === null || firstStart === null ? null : seconds(new Date(promised), firstStart),
  };
}

async function sparkSection(attemptDir: string, maxExecutors: number): Promise<SparkSection | null> {
  const eventLog = await findSparkEventLog(attemptDir);
  if (eventLog === null) return null;
  try {
    return { event_log: eventLog, report: await analyzeSparkEventLogFile(eventLog, { maxExecutors }) };
  } catch (error) {
    return { event_log: eventLog, error: `The Spark event log could not be analyzed: ${(error as Error).message}` };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

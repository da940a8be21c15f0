import type { Knex } from 'knex';
import type { AttemptRow, JobRow } from '../store/job-rows.js';
import { codeFingerprint } from './fingerprint.js';
import type { PastRun } from './runtime-estimate.js';

/** Most recent runs loaded for one estimate; older runs describe code and data that moved on. */
const HISTORY_LIMIT = 200;

/** Loads the successful runs of the same code or the same owner, oldest first. */
export async function loadRunHistory(db: Knex, fingerprint: string, owner: string): Promise<PastRun[]> {
  const rows = await db('run_history')
    .where({ outcome: 'succeeded' })
    .andWhere((query) => query.where({ fingerprint }).orWhere({ owner }))
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(HISTORY_LIMIT);
  return rows.reverse().map((row) => ({
    fingerprint: row.fingerprint,
    owner: row.owner,
    inputBytes: row.input_bytes === null ? null : Number(row.input_bytes),
    runtimeS: Number(row.runtime_s),
  }));
}

/**
 * Records one ended attempt in `run_history`, in the caller's transaction, with the input bytes
 * pre-flight measured. Attempts that never started have no runtime and are not recorded.
 */
export async function recordFinishedRun(
  trx: Knex | Knex.Transaction,
  job: JobRow,
  attempt: AttemptRow,
  outcome: string,
  endedAt: Date,
): Promise<void> {
  if (attempt.started_at === null) return;
  const runtimeS = (endedAt.getTime() - new Date(attempt.started_at).getTime()) / 1000;
  if (runtimeS < 0) return;

  const source = await trx('job_sources').where({ job_id: job.id }).first();
  if (source === undefined) return;
  const preflight = await trx('job_preflight').where({ job_id: job.id }).first();
  const analysis = preflight?.analysis as { input_bytes?: number; sample?: { extrapolated_s?: number | null } | null } | undefined;
  const inputBytes = analysis?.input_bytes ?? null;

  await trx('run_history')
    .insert({
      job_id: job.id,
      attempt: attempt.attempt,
      fingerprint: codeFingerprint(source.kind, source.content),
      owner: job.owner,
      outcome,
      input_bytes: inputBytes,
      executors: job.spec.max_executors,
      runtime_s: runtimeS,
      sample_estimate_s: analysis?.sample?.extrapolated_s ?? null,
      finished_at: endedAt,
    })
    .onConflict(['job_id', 'attempt'])
    .ignore();
}

/** Past extrapolations that calibrate a new one; the method's bias changes slowly, so recent runs suffice. */
const SAMPLE_CALIBRATION_LIMIT = 50;

/**
 * Loads actual / extrapolated runtime of recent successful runs that had sample runs, oldest
 * first. Runs of every owner count, because the ratio measures the extrapolation method on
 * this cluster rather than one user's code.
 */
export async function loadSampleRatios(db: Knex): Promise<number[]> {
  const rows = await db('run_history')
    .where({ outcome: 'succeeded' })
    .whereNotNull('sample_estimate_s')
    .andWhere('sample_estimate_s', '>', 0)
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(SAMPLE_CALIBRATION_LIMIT);
  return rows.reverse().map((row) => Number(row.runtime_s) / Number(row.sample_estimate_s));
}

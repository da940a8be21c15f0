import type { Knex } from 'knex';
import type { Progress } from '../contract/job-view.js';
import { recordEvent } from '../jobs/transitions.js';
import type { JobRow } from '../store/job-rows.js';
import { formatSeconds } from './summary.js';

/** A new estimate is recorded when the expected total runtime moves by more than this share. */
export const ETA_CHANGE_THRESHOLD = 0.1;

export interface LiveEta {
  remainingS: number;
  totalS: number;
}

/**
 * Re-estimates a running job's remaining time from its progress: the elapsed time per unit
 * done (cells for a notebook) times the units left. Before any unit is done there is no rate,
 * so null is returned. Cells are not equally long, so this is an estimate, not a bound.
 */
export function estimateRemaining(elapsedS: number, progress: Progress): LiveEta | null {
  if (progress.done <= 0 || progress.total <= 0 || elapsedS < 0) return null;
  const left = Math.max(0, progress.total - progress.done);
  const remainingS = (elapsedS / progress.done) * left;
  return { remainingS, totalS: elapsedS + remainingS };
}

/** True when `next` differs from `previous` by more than the threshold (or there was none). */
export function etaChanged(previousTotalS: number | null, nextTotalS: number): boolean {
  if (previousTotalS === null || previousTotalS <= 0) return true;
  return Math.abs(nextTotalS - previousTotalS) / previousTotalS > ETA_CHANGE_THRESHOLD;
}

/**
 * Records an `eta` event for a running job when its re-estimated total runtime moved by more
 * than 10% from the last `eta` event, or from the pre-flight p50 before the first one.
 */
export async function recordLiveEta(trx: Knex | Knex.Transaction, job: JobRow, progress: Progress, now: Date): Promise<void> {
  if (job.started_at === null) return;
  const elapsedS = (now.getTime() - new Date(job.started_at).getTime()) / 1000;
  const eta = estimateRemaining(elapsedS, progress);
  if (eta === null) return;

  const last = await trx('job_events').where({ job_id: job.id, type: 'eta' }).orderBy('id', 'desc').first();
  const previousTotal = last === undefined ? (job.spec.eta_p50_s ?? null) : Number((last.data as { total_s: number }).total_s);
  if (!etaChanged(previousTotal, eta.totalS)) return;

  const finishAt = new Date(now.getTime() + eta.remainingS * 1000);
  await recordEvent(trx, {
    jobId: job.id,
    at: now,
    type: 'eta',
    code: 'progress_rate',
    message: `About ${formatSeconds(eta.remainingS)} left after ${progress.done} of ${progress.total} ${progress.unit}; expected to finish at ${finishAt.toISOString()}.`,
    data: {
      remaining_s: eta.remainingS,
      total_s: eta.totalS,
      finish_at: finishAt.toISOString(),
      done: progress.done,
      total: progress.total,
      previous_total_s: previousTotal,
    },
  });
}

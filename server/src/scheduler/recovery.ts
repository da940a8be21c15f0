import type { Knex } from 'knex';
import type { Executor } from '../executors/executor.js';
import { markRunning, requeueUnstarted } from '../jobs/lifecycle.js';
import type { Logger } from '../logger.js';
import type { AttemptRow, JobRow } from '../store/job-rows.js';

/**
 * Settle attempts a stopped scheduler left in `starting`. Each one is fenced. If the runner had
 * not begun, the fence keeps it from ever beginning and the job is queued again. If it had, the
 * job is marked running and the watch phase follows it. Running jobs need nothing here, because
 * the watch phase finds their runners, or their results, through the attempt folder.
 */
export async function recoverAttempts(db: Knex, executor: Executor, logger: Logger, now: Date): Promise<void> {
  const starting = await db<JobRow>('jobs').where({ state: 'starting' }).orderBy('id');
  for (const job of starting) {
    const attempt = await db<AttemptRow>('job_attempts').where({ job_id: job.id, attempt: job.attempt }).first();
    const log = logger.child({ jobId: job.id, attempt: job.attempt });
    if (attempt === undefined) {
      log.error('job is starting but has no attempt row; leaving it for an operator');
      continue;
    }

    const fence = await executor.fence({
      jobId: job.id,
      attempt: attempt.attempt,
      attemptDir: attempt.attempt_dir,
      pid: attempt.pid,
    });
    if (fence.kind === 'fenced') {
      await db.transaction((trx) => requeueUnstarted(trx, job.id, attempt.attempt, now));
      log.warn('runner had not begun; queued again');
      continue;
    }
    await db.transaction((trx) =>
      markRunning(trx, job.id, attempt.attempt, fence.pid, now, {
        code: 'reattached',
        message: 'Running; the scheduler restarted and found the runner again.',
      }),
    );
    log.info({ pid: fence.pid }, 're-attached to a runner after restart');
  }
}

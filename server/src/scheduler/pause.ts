import type { Knex } from 'knex';
import { recordPreemptionAudit } from '../audit/preemption-audit.js';
import type { AttemptHandle, Executor } from '../executors/executor.js';
import { recordPauseRequest } from '../jobs/lifecycle.js';
import { recordEvent } from '../jobs/transitions.js';
import type { Logger } from '../logger.js';
import type { PauseDecision } from '../policy/types.js';
import type { AttemptRow, JobRow } from '../store/job-rows.js';

export const DEFAULT_PAUSE_GRACE_MS = 120_000;

export interface PoliteStopOptions {
  db: Knex;
  executor: Executor;
  logger: Logger;
  /** Milliseconds a runner gets to reach a cell or checkpoint boundary after a pause request. */
  pauseGraceMs: number;
  /** Milliseconds between SIGTERM and SIGKILL once the pause grace has run out. */
  killGraceMs: number;
}

/**
 * Polite preemption: a pause decision requests that the runner stop at its next cell or checkpoint
 * boundary, and only a runner that has not stopped when the grace period ends is terminated.
 * Either way the attempt ends as a pause, which the end of the attempt turns into `paused`.
 */
export class PoliteStop {
  /** Attempts already terminated after their grace, so the signal is sent once per scheduler. */
  private readonly terminated = new Set<string>();

  constructor(private readonly options: PoliteStopOptions) {}

  /**
   * Apply a pause decision to a running job. Returns false, and does nothing, when the job is no
   * longer running, has no runner process yet, or is already being stopped.
   */
  async request(job: JobRow, decision: PauseDecision, now: Date): Promise<boolean> {
    const log = this.options.logger.child({ jobId: job.id, attempt: job.attempt, code: decision.reason.code });
    if (job.state !== 'running') return false;
    const attempt = await this.options.db<AttemptRow>('job_attempts').where({ job_id: job.id, attempt: job.attempt }).first();
    if (attempt === undefined || attempt.pid === null || attempt.stop_requested_at !== null) return false;

    const graceS = this.options.pauseGraceMs / 1000;
    await this.options.db.transaction(async (trx) => {
      await recordPauseRequest(trx, job.id, attempt.attempt, now, decision.reason, graceS);
      await recordPreemptionAudit(trx, {
        jobId: job.id,
        owner: job.owner,
        preemptedForJobId: null,
        stateBefore: 'running',
        stateAfter: 'paused',
        reason: decision.reason.message,
        at: now,
      });
    });

    try {
      await this.options.executor.requestPause(handleOf(attempt));
    } catch (error) {
      // The grace period still applies, so the runner is terminated later and the pause completes.
      log.error({ err: error }, 'pause request to the runner failed; it is terminated when the grace period ends');
    }
    log.info({ graceS }, 'pause requested');
    return true;
  }

  /** Terminate an attempt whose pause was requested longer ago than the grace period. */
  async enforceGrace(job: JobRow, attempt: AttemptRow, now: Date): Promise<void> {
    if (attempt.stop_reason !== 'pause' || attempt.stop_requested_at === null) return;
    const handle = handleOf(attempt);
    if (this.terminated.has(handle.attemptDir)) return;
    const waitedMs = now.getTime() - new Date(attempt.stop_requested_at).getTime();
    if (waitedMs < this.options.pauseGraceMs) return;

    this.terminated.add(handle.attemptDir);
    await recordEvent(this.options.db, {
      jobId: job.id,
      at: now,
      type: 'pause_grace_expired',
      code: 'pause_grace_expired',
      message: `The runner did not pause within ${Math.round(this.options.pauseGraceMs / 1000)} s, so it is being stopped; the job resumes from its last checkpoint.`,
      data: { attempt: attempt.attempt },
    });
    this.options.logger.warn({ jobId: job.id, attempt: attempt.attempt, waitedMs }, 'pause grace expired; terminating the runner');
    this.options.executor.terminate(handle, this.options.killGraceMs);
  }

  /** Drop what is kept about an attempt that has ended. */
  forget(attempt: AttemptRow): void {
    this.terminated.delete(attempt.attempt_dir);
  }
}

function handleOf(attempt: AttemptRow): AttemptHandle {
  return { jobId: attempt.job_id, attempt: attempt.attempt, attemptDir: attempt.attempt_dir, pid: attempt.pid };
}

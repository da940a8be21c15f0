import type { Knex } from 'knex';
import type { CheckpointEvent } from '../executors/executor.js';
import { recordEvent } from '../jobs/transitions.js';
import { formatBytes } from '../observe/spark-report/format.js';

/**
 * Copies the runner's checkpoint events onto the job's timeline as they appear, once each. The
 * count already copied per attempt is kept in memory and read back from the timeline after a
 * restart, so nothing is copied twice.
 */
export class CheckpointTimeline {
  private readonly copied = new Map<string, number>();

  /** Record the events of `checkpoints` (every event of the attempt so far) not yet on the timeline. */
  async record(
    db: Knex | Knex.Transaction,
    jobId: number,
    attempt: number,
    checkpoints: readonly CheckpointEvent[],
  ): Promise<void> {
    const key = `${jobId}:${attempt}`;
    const copied = this.copied.get(key) ?? (await countCopied(db, jobId, attempt));
    for (const event of checkpoints.slice(copied)) {
      await recordEvent(db, {
        jobId,
        at: new Date(event.at),
        type: 'checkpoint',
        code: event.action,
        message: `Checkpoint stage "${event.stage}" ${event.action}: ${formatBytes(event.bytes)} in ${event.duration_s.toFixed(1)} s.`,
        data: { attempt, ...event },
      });
    }
    this.copied.set(key, Math.max(copied, checkpoints.length));
  }

  /** Drop the count of an attempt that has ended. */
  forget(jobId: number, attempt: number): void {
    this.copied.delete(`${jobId}:${attempt}`);
  }
}

async function countCopied(db: Knex | Knex.Transaction, jobId: number, attempt: number): Promise<number> {
  const row = await db('job_events')
    .where({ job_id: jobId, type: 'checkpoint' })
    .andWhereRaw("data->>'attempt' = ?", [String(attempt)])
    .count<{ count: string | number }[]>({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}

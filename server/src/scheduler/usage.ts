import type { Knex } from 'knex';
import { accrueUsage } from '../policy/fair-share.js';
import type { UsageRecord } from '../policy/types.js';

/** Attempts older than this many half-lives weigh under 0.1% and are not read. */
const HALF_LIVES_READ = 10;

/**
 * Load each user's decayed past usage from finished attempts, for fair-share ordering. The
 * policy counts what running jobs use now from the snapshot, not here.
 */
export async function loadUsage(db: Knex, now: Date, halfLifeS: number): Promise<UsageRecord[]> {
  const since = new Date(now.getTime() - HALF_LIVES_READ * halfLifeS * 1000);
  const rows: Array<{
    owner: string;
    cores: number;
    mem_gb: number;
    started_at: Date;
    ended_at: Date;
  }> = await db('job_attempts as a')
    .join('jobs as j', 'j.id', 'a.job_id')
    .whereNotNull('a.started_at')
    .whereNotNull('a.ended_at')
    .andWhere('a.ended_at', '>', since)
    .select('j.owner', 'j.cores', 'j.mem_gb', 'a.started_at', 'a.ended_at');

  const byOwner = new Map<string, UsageRecord>();
  for (const row of rows) {
    const start = new Date(row.started_at).getTime();
    const end = new Date(row.ended_at).getTime();
    const attempt = accrueUsage(
      { owner: row.owner, coreSeconds: 0, memGbSeconds: 0, asOf: start },
      { cores: row.cores, memGb: row.mem_gb },
      end,
      halfLifeS,
    );
    const total = byOwner.get(row.owner);
    if (total === undefined) {
      byOwner.set(row.owner, attempt);
      continue;
    }
    // Bring both records to the later date before adding, so each keeps its own decay.
    const asOf = Math.max(total.asOf, attempt.asOf);
    const older = total.asOf < attempt.asOf ? total : attempt;
    const newer = older === total ? attempt : total;
    const aged = accrueUsage(older, { cores: 0, memGb: 0 }, asOf, halfLifeS);
    byOwner.set(row.owner, {
      owner: row.owner,
      coreSeconds: aged.coreSeconds + newer.coreSeconds,
      memGbSeconds: aged.memGbSeconds + newer.memGbSeconds,
      asOf,
    });
  }
  return [...byOwner.values()];
}

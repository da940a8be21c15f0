import type { PoolName } from '../contract/job-spec.js';
import type { DofcPolicyConfig } from './config.js';
import { dominantShare, lowestShareQueue, teamWeight, type FillEntry } from './fair-share.js';
import type { PausedPolicyJob, PolicyJob, Resources } from './types.js';

/** P0 first. */
const BAND_RANK = { P0: 0, P1: 1, P2: 2 } as const;

export interface RankedQueue {
  /**
   * The order in which the plan places jobs: the interactive pool (aged jobs first), paused heavy
   * jobs, then the heavy pool (aged jobs first). A queued job's position in its pool is its rank
   * among the queued jobs of that pool in this order.
   */
  order: PolicyJob[];
  /** Jobs ranked ahead of every younger job because they waited past the aging limit. */
  aged: Set<number>;
  paused: Set<number>;
}

/**
 * Ranks the waiting jobs. Within a pool the priority bands come in the order P0, P1, P2. In a
 * band, jobs with a deadline go first, earliest deadline first. The others follow in DRF order,
 * lowest weighted dominant share first, and each user's own jobs by submit time. A job that has
 * waited longer than its pool's aging limit goes ahead of all of this, in submit order. That is
 * the starvation bound, because no later submission can rank ahead of it any more.
 */
export function rankJobs(
  queued: PolicyJob[],
  paused: PausedPolicyJob[],
  shares: Map<string, number>,
  now: number,
  capacity: Resources,
  config: Pick<DofcPolicyConfig, 'fairShare'>,
): RankedQueue {
  const aged: Record<PoolName, PolicyJob[]> = { interactive: [], heavy: [] };
  const fresh: Record<PoolName, PolicyJob[]> = { interactive: [], heavy: [] };
  for (const job of queued) {
    if (now - job.submittedAt >= config.fairShare.agingS[job.pool] * 1000) aged[job.pool].push(job);
    else fresh[job.pool].push(job);
  }
  aged.interactive.sort(bySubmitTime);
  aged.heavy.sort(bySubmitTime);

  const interactive = rankPool(fresh.interactive, shares, capacity, config);
  const heavy = rankPool(fresh.heavy, shares, capacity, config);
  const resumable = [...paused].sort(
    (a, b) => BAND_RANK[a.priority] - BAND_RANK[b.priority] || a.pausedAt - b.pausedAt || a.id - b.id,
  );

  return {
    order: [...aged.interactive, ...interactive, ...resumable, ...aged.heavy, ...heavy],
    aged: new Set([...aged.interactive, ...aged.heavy].map((job) => job.id)),
    paused: new Set(resumable.map((job) => job.id)),
  };
}

/** Ranks one pool's jobs, without aging. */
export function rankPool(
  jobs: PolicyJob[],
  shares: Map<string, number>,
  capacity: Resources,
  config: Pick<DofcPolicyConfig, 'fairShare'>,
): PolicyJob[] {
  const bands: [PolicyJob[], PolicyJob[], PolicyJob[]] = [[], [], []];
  for (const job of jobs) bands[BAND_RANK[job.priority]].push(job);

  const ranked: PolicyJob[] = [];
  for (const inBand of bands) {
    const withDeadline: PolicyJob[] = [];
    const withoutDeadline: PolicyJob[] = [];
    for (const job of inBand) (job.deadline === null ? withoutDeadline : withDeadline).push(job);
    withDeadline.sort((a, b) => (a.deadline ?? 0) - (b.deadline ?? 0) || bySubmitTime(a, b));
    ranked.push(...withDeadline, ...fairShareOrder(withoutDeadline, shares, capacity, config));
  }
  return ranked;
}

interface UserTurn extends FillEntry {
  jobs: PolicyJob[];
  next: number;
  weight: number;
}

/**
 * Interleaves users as DRF's progressive filling would: take the next job of the user with the
 * lowest weighted dominant share, count that job's demand into the user's share, repeat. Equal
 * shares go to the user whose next job was submitted first.
 */
function fairShareOrder(
  jobs: PolicyJob[],
  shares: Map<string, number>,
  capacity: Resources,
  config: Pick<DofcPolicyConfig, 'fairShare'>,
): PolicyJob[] {
  const byUser = new Map<string, PolicyJob[]>();
  for (const job of jobs) {
    const list = byUser.get(job.owner);
    if (list === undefined) byUser.set(job.owner, [job]);
    else list.push(job);
  }

  const queue = lowestShareQueue<UserTurn>();
  for (const [owner, list] of byUser) {
    list.sort(bySubmitTime);
    const first = list[0] as PolicyJob;
    const weight = teamWeight(first.team, config);
    queue.push({ name: owner, share: shares.get(owner) ?? 0, tieBreak: first.submittedAt, jobs: list, next: 0, weight });
  }

  const ordered: PolicyJob[] = [];
  for (let turn = queue.pop(); turn !== undefined; turn = queue.pop()) {
    const job = turn.jobs[turn.next] as PolicyJob;
    ordered.push(job);
    const next = turn.next + 1;
    if (next >= turn.jobs.length) continue;
    turn.share += dominantShare(job.demand, capacity) / turn.weight;
    turn.next = next;
    turn.tieBreak = (turn.jobs[next] as PolicyJob).submittedAt;
    queue.push(turn);
  }
  return ordered;
}

function bySubmitTime(a: PolicyJob, b: PolicyJob): number {
  return a.submittedAt - b.submittedAt || a.id - b.id;
}

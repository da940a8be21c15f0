import type { DofcPolicyConfig } from './config.js';
import { MinHeap } from './min-heap.js';
import type { PolicySnapshot, Resources, UsageRecord } from './types.js';

/**
 * Dominant Resource Fairness (Ghodsi et al., "Dominant Resource Fairness: Fair Allocation of
 * Multiple Resource Types", NSDI 2011): a user's dominant share is the largest fraction of any
 * one resource it holds, and the next unit goes to the user whose weighted dominant share is
 * lowest.
 */

export function dominantShare(allocation: Resources, capacity: Resources): number {
  const cores = capacity.cores > 0 ? allocation.cores / capacity.cores : 0;
  const memory = capacity.memGb > 0 ? allocation.memGb / capacity.memGb : 0;
  return Math.max(cores, memory);
}

/** Usage decayed to `now`: each half-life halves it. Usage dated after `now` is left as it is. */
export function decayUsage(record: UsageRecord, now: number, halfLifeS: number): UsageRecord {
  const ageS = Math.max(0, (now - record.asOf) / 1000);
  const factor = Math.pow(2, -ageS / halfLifeS);
  return { owner: record.owner, coreSeconds: record.coreSeconds * factor, memGbSeconds: record.memGbSeconds * factor, asOf: Math.max(now, record.asOf) };
}

/**
 * Adds what `allocation` held from `record.asOf` to `now` to the decayed usage. The integral of
 * a constant allocation under exponential decay is exact, so calling this at every event or
 * once gives the same result.
 */
export function accrueUsage(record: UsageRecord, allocation: Resources, now: number, halfLifeS: number): UsageRecord {
  const decayed = decayUsage(record, now, halfLifeS);
  const spanS = Math.max(0, (now - record.asOf) / 1000);
  const rate = Math.LN2 / halfLifeS;
  const weightedSeconds = spanS === 0 ? 0 : (1 - Math.exp(-rate * spanS)) / rate;
  return {
    owner: record.owner,
    coreSeconds: decayed.coreSeconds + allocation.cores * weightedSeconds,
    memGbSeconds: decayed.memGbSeconds + allocation.memGb * weightedSeconds,
    asOf: decayed.asOf,
  };
}

/**
 * The weighted dominant share of each user with a queued or paused job: what its running jobs
 * hold now plus its decayed past usage, divided by its team's weight. Past usage counts as the average share it amounts to over
 * the decay's mean lifetime (half-life / ln 2), so a user who held 20% of the cores all along
 * adds 0.2.
 */
export function userShares(snapshot: PolicySnapshot, config: Pick<DofcPolicyConfig, 'fairShare'>): Map<string, number> {
  const capacity = snapshot.capacity;

  // Only users with waiting jobs are ordered, so only their shares are computed.
  const teams = new Map<string, string>();
  for (const job of snapshot.queued) if (!teams.has(job.owner)) teams.set(job.owner, job.team);
  for (const job of snapshot.paused ?? []) if (!teams.has(job.owner)) teams.set(job.owner, job.team);

  const held = new Map<string, Resources>();
  for (const job of snapshot.running) {
    if (!teams.has(job.owner)) continue;
    const total = held.get(job.owner);
    if (total === undefined) held.set(job.owner, { cores: job.demand.cores, memGb: job.demand.memGb });
    else {
      total.cores += job.demand.cores;
      total.memGb += job.demand.memGb;
    }
  }

  const lifetimeS = config.fairShare.halfLifeS / Math.LN2;
  const past = new Map<string, Resources>();
  for (const record of snapshot.usage ?? []) {
    if (!teams.has(record.owner)) continue;
    const decayed = decayUsage(record, snapshot.now, config.fairShare.halfLifeS);
    past.set(record.owner, { cores: decayed.coreSeconds / lifetimeS, memGb: decayed.memGbSeconds / lifetimeS });
  }

  const shares = new Map<string, number>();
  for (const [owner, team] of teams) {
    const now = held.get(owner);
    const before = past.get(owner);
    const total = {
      cores: (now?.cores ?? 0) + (before?.cores ?? 0),
      memGb: (now?.memGb ?? 0) + (before?.memGb ?? 0),
    };
    shares.set(owner, dominantShare(total, capacity) / teamWeight(team, config));
  }
  return shares;
}

export function teamWeight(team: string | undefined, config: Pick<DofcPolicyConfig, 'fairShare'>): number {
  return (team === undefined ? undefined : config.fairShare.teamWeights[team]) ?? 1;
}

/** One user's entry in a progressive-filling round. */
export interface FillEntry {
  name: string;
  share: number;
  /** Breaks ties between equal shares; lower goes first. */
  tieBreak: number;
}

/** A queue of users that yields the one with the lowest share, then the lowest tie-break, then name. */
export function lowestShareQueue<T extends FillEntry>(): MinHeap<T> {
  return new MinHeap<T>((a, b) => a.share - b.share || a.tieBreak - b.tieBreak || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface DrfUser {
  name: string;
  taskDemand: Resources;
  weight?: number;
}

/**
 * DRF by progressive filling: give the next task to the user with the lowest weighted dominant
 * share, and stop when that user's next task no longer fits. Returns the tasks and dominant
 * share of each user.
 */
export function progressiveFill(capacity: Resources, users: DrfUser[]): Map<string, { tasks: number; share: number }> {
  const result = new Map<string, { tasks: number; share: number }>();
  const queue = lowestShareQueue<FillEntry & { user: DrfUser }>();
  users.forEach((user) => {
    if (user.taskDemand.cores <= 0 && user.taskDemand.memGb <= 0) {
      throw new RangeError(`DRF user ${user.name} has a task demand of zero; give each task some cores or memory.`);
    }
    result.set(user.name, { tasks: 0, share: 0 });
    queue.push({ name: user.name, share: 0, tieBreak: 0, user });
  });

  const used: Resources = { cores: 0, memGb: 0 };
  for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) {
    const demand = entry.user.taskDemand;
    if (used.cores + demand.cores > capacity.cores || used.memGb + demand.memGb > capacity.memGb) break;
    used.cores += demand.cores;
    used.memGb += demand.memGb;

    const current = result.get(entry.name) ?? { tasks: 0, share: 0 };
    const tasks = current.tasks + 1;
    const share = dominantShare({ cores: demand.cores * tasks, memGb: demand.memGb * tasks }, capacity);
    result.set(entry.name, { tasks, share });
    queue.push({ ...entry, share: share / (entry.user.weight ?? 1) });
  }
  return result;
}

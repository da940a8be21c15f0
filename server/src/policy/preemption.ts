import type { DofcPolicyConfig } from './config.js';
import { currentRunStart, hasOverrun } from './estimate.js';
import { formatDuration } from './messages.js';
import type { InteractiveObservation, PauseDecision, PolicyJob, Resources, RunningPolicyJob } from './types.js';

/**
 * Preemption for the interactive pool. Heavy jobs are paused with a checkpoint only when the
 * interactive signal stays above its threshold for a whole window, and resume once it is below.
 *
 * Why two jobs cannot preempt each other in a loop: a pause is never caused by a job, only by
 * the signal, and only heavy jobs are ever paused, so no job gains a slot by pausing another.
 * A paused job resumes only while the signal is below its threshold, which is exactly when no
 * pause is decided. Each job is paused at most `maxPerJob` times and at most `maxPerRound` jobs
 * are paused per decision, so the number of pauses is bounded by `maxPerJob` times the number
 * of heavy jobs, whatever the signal does. Pauses stop once the waiting interactive jobs fit.
 */

export interface BreachState {
  /** The latest sample is above a threshold. */
  breaching: boolean;
  /** Every sample since `since`, at least one window ago, is above a threshold. */
  sustained: boolean;
  since: number | null;
  /** The breaching value for messages, such as "p95 cell latency 7.2 s". */
  detail: string;
  /** Signal in breach in the latest sample. */
  signal: 'cell_latency' | 'queue_wait' | null;
}

export function breachState(
  observations: InteractiveObservation[],
  now: number,
  config: Pick<DofcPolicyConfig, 'preemption'>,
): BreachState {
  const samples = observations.filter((sample) => sample.at <= now).sort((a, b) => a.at - b.at);
  let since: number | null = null;
  let latest: { text: string; signal: 'cell_latency' | 'queue_wait' } | null = null;
  for (let i = samples.length - 1; i >= 0; i -= 1) {
    const sample = samples[i] as InteractiveObservation;
    const found = breachOf(sample, config);
    if (found === null) break;
    since = sample.at;
    latest ??= found;
  }
  const breaching = since !== null;
  const sustained = since !== null && now - since >= config.preemption.windowS * 1000;
  return { breaching, sustained, since, detail: latest?.text ?? '', signal: latest?.signal ?? null };
}

function breachOf(
  sample: InteractiveObservation,
  config: Pick<DofcPolicyConfig, 'preemption'>,
): { text: string; signal: 'cell_latency' | 'queue_wait' } | null {
  const { cellLatencyThresholdS, interactiveWaitThresholdS } = config.preemption;
  if (sample.cellLatencyP95S != null && sample.cellLatencyP95S > cellLatencyThresholdS) {
    return { text: `p95 cell latency ${sample.cellLatencyP95S.toFixed(1)} s`, signal: 'cell_latency' };
  }
  if (sample.interactiveWaitP95S != null && sample.interactiveWaitP95S > interactiveWaitThresholdS) {
    return { text: `p95 interactive queue wait ${sample.interactiveWaitP95S.toFixed(1)} s`, signal: 'queue_wait' };
  }
  return null;
}

const BAND_RANK = { P0: 0, P1: 1, P2: 2 } as const;

/**
 * Heavy jobs that may be paused, best victim first: lowest priority, then most recently started.
 * A job is excluded when it is flagged do-not-preempt, runs on the critical lane, has used up
 * its pauses, or has run less than the minimum since it last started.
 */
export function preemptionCandidates(
  running: RunningPolicyJob[],
  now: number,
  config: Pick<DofcPolicyConfig, 'preemption'>,
): RunningPolicyJob[] {
  const { minRunS, maxPerJob } = config.preemption;
  return running
    .filter(
      (job) =>
        job.pool === 'heavy' &&
        job.lane !== 'critical' &&
        job.doNotPreempt !== true &&
        (job.preemptions ?? 0) < maxPerJob &&
        now - currentRunStart(job) >= minRunS * 1000,
    )
    .sort(byVictimOrder);
}

/**
 * Decides the pauses for a sustained breach. When interactive jobs wait for capacity, the best
 * victims are paused until their cores and memory cover the `shortfall`, which is what the
 * waiting jobs need beyond what is free. At most `maxPerRound` are paused, and no shortfall
 * means no pause. When none waits,
 * a queue-wait breach needs no pause, and a cell-latency breach pauses at most one victim per
 * window, so a breach that pausing does not cure cannot pause every heavy job at once.
 */
export function interactivePauses(
  running: RunningPolicyJob[],
  paused: PolicyJob[],
  breach: BreachState,
  waiting: { demand: Resources; shortfall: Resources },
  now: number,
  config: Pick<DofcPolicyConfig, 'preemption'>,
): PauseDecision[] {
  const { enabled, windowS, maxPerRound } = config.preemption;
  if (!enabled || !breach.sustained) return [];

  const anyWaiting = waiting.demand.cores > 1e-9 || waiting.demand.memGb > 1e-9;
  const shortfall = waiting.shortfall;
  if (anyWaiting && shortfall.cores <= 1e-9 && shortfall.memGb <= 1e-9) return [];
  // A queue-wait breach with nothing left waiting clears by itself at the next sample.
  if (!anyWaiting && breach.signal === 'queue_wait') return [];
  if (!anyWaiting) {
    const recent = [...running, ...paused].some((job) => job.lastPausedAt != null && now - job.lastPausedAt < windowS * 1000);
    if (recent) return [];
  }

  const victims: RunningPolicyJob[] = [];
  let cores = Math.max(shortfall.cores, 0);
  let memGb = Math.max(shortfall.memGb, 0);
  const limit = anyWaiting ? maxPerRound : Math.min(maxPerRound, 1);
  for (const job of preemptionCandidates(running, now, config)) {
    if (victims.length >= limit) break;
    if (victims.length > 0 && cores <= 1e-9 && memGb <= 1e-9) break;
    victims.push(job);
    cores -= job.demand.cores;
    memGb -= job.demand.memGb;
  }

  return victims.map((job) => ({
    kind: 'pause',
    jobId: job.id,
    reason: {
      code: 'preempted_interactive',
      message:
        `Paused with a checkpoint: the ${breach.detail} stayed above its threshold for ${formatDuration(windowS)}, ` +
        `and this is the most recently started ${job.priority} heavy job that may be paused. It resumes when the signal clears.`,
    },
  }));
}

/**
 * Jobs to pause, best first, until `deficit` cores and memory are free again. Jobs past their
 * p90 end go first, as the capacity they hold was never planned for them.
 */
export function reclaimVictims(
  candidates: RunningPolicyJob[],
  deficit: { cores: number; memGb: number },
  now: number,
  config: Pick<DofcPolicyConfig, 'runtime'>,
): RunningPolicyJob[] {
  const ordered = candidates
    .filter((job) => job.doNotPreempt !== true && job.lane !== 'critical')
    .sort((a, b) => Number(hasOverrun(b, now, config)) - Number(hasOverrun(a, now, config)) || byVictimOrder(a, b));
  const victims: RunningPolicyJob[] = [];
  let cores = deficit.cores;
  let memGb = deficit.memGb;
  for (const job of ordered) {
    if (cores <= 1e-9 && memGb <= 1e-9) break;
    victims.push(job);
    cores -= job.demand.cores;
    memGb -= job.demand.memGb;
  }
  return victims;
}

function byVictimOrder(a: RunningPolicyJob, b: RunningPolicyJob): number {
  return BAND_RANK[b.priority] - BAND_RANK[a.priority] || currentRunStart(b) - currentRunStart(a) || b.id - a.id;
}

import { validatePolicyConfig } from '../policy/config.js';
import { BusinessCalendar } from '../policy/calendar.js';
import { mapTrace, type TraceJob } from './mapping.js';
import { boundedSlowdown } from './metrics.js';
import { policyFor, TRACE_MEM_PER_CORE_GB } from './replay.js';
import { simulate } from './simulator.js';
import { TraceInputError, type SwfTrace } from './swf.js';

/**
 * The evaluation of RLScheduler (Zhang et al., SC 2020; DIR-LAB/deep-batch-scheduler,
 * compare-make-table.py and HPCSimPickJobs.py). It takes sequences of 1,024 consecutive jobs
 * whose first index is drawn uniformly from [1024, jobs - 1024 - 1). Each sequence is replayed
 * alone on an empty machine and scored by the mean bounded slowdown
 * max(1, (wait + run) / max(run, 10)) of its jobs, and the scores are averaged. Requested time defaults to the runtime when the trace has
 * none. The published table used 10 sequences drawn by NumPy with seed 1; this draws its own
 * with a seeded generator, so the sequences differ.
 */

export interface SequenceOptions {
  length: number;
  count: number;
  seed: number;
}

export interface SequenceSummary {
  policy: 'fifo' | 'easy';
  sequences: number;
  mean: number;
  /** Sample standard deviation of the per-sequence scores. */
  stdev: number;
  median: number;
  min: number;
  max: number;
}

/** mulberry32: a small seeded generator, so the sampled starts are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** First indexes of the sampled sequences, drawn as RLScheduler draws them. */
export function sequenceStarts(jobCount: number, options: SequenceOptions): number[] {
  const low = options.length;
  const high = jobCount - options.length - 1;
  if (high <= low) {
    throw new TraceInputError(`The trace has ${jobCount} jobs, too few for sequences of ${options.length}; lower the sequence length.`);
  }
  const random = seededRandom(options.seed);
  return Array.from({ length: options.count }, () => low + Math.floor(random() * (high - low)));
}

export function compareSequences(trace: SwfTrace, options: SequenceOptions): SequenceSummary[] {
  const config = validatePolicyConfig({});
  const mapped = mapTrace(trace, { memPerCoreGb: TRACE_MEM_PER_CORE_GB, config, clampToHeavy: false });
  const calendar = new BusinessCalendar(config);
  const starts = sequenceStarts(mapped.jobs.length, options);

  return (['fifo', 'easy'] as const).map((policy) => {
    const scores = starts.map((start) => {
      const jobs: TraceJob[] = mapped.jobs.slice(start, start + options.length);
      const result = simulate(jobs, {
        policy: policyFor(policy, config),
        capacity: mapped.capacity,
        calendar,
        floorConfig: config,
        signal: null,
      });
      const slowdowns = result.outcomes.map(boundedSlowdown);
      return slowdowns.reduce((a, b) => a + b, 0) / slowdowns.length;
    });
    const sorted = [...scores].sort((a, b) => a - b);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const variance = scores.reduce((sum, score) => sum + (score - mean) ** 2, 0) / Math.max(1, scores.length - 1);
    return {
      policy,
      sequences: scores.length,
      mean,
      stdev: Math.sqrt(variance),
      median: sorted[Math.floor(sorted.length / 2)] ?? 0,
      min: sorted[0] ?? 0,
      max: sorted.at(-1) ?? 0,
    };
  });
}

import type { Knex } from 'knex';
import type { Resources } from '../policy/types.js';
import { interactiveRoomFor } from './sample-admission.js';
import { formatShare, measureSampledInputs, runSample, type SamplePlan, type SampleRunRecord } from './sample-run.js';
import type { SampleSettings } from './sample-settings.js';
import { fitScaling, type ScalingFit, type ScalingPoint } from './scaling-model.js';
import { fitShuffle, type ShuffleFit } from './sample-shuffle.js';

/** The sample runs of one job as the analysis stores and shows them. */
export interface SampleSummary {
  /** `measured` when the model was fitted; otherwise why not. */
  status: 'measured' | 'skipped' | 'failed' | 'timed_out';
  /** Reason the runs were skipped or failed; null when measured. */
  reason: string | null;
  /** The interactive pool's cores each run used while it ran; 0 when none ran. */
  cores_held: number;
  runs: SampleRunRecord[];
  model: {
    form: ScalingFit['form'];
    /** The time series the slope was fitted to (see ScalingFit.fittedOn). */
    fitted_on: ScalingFit['fittedOn'];
    /** Wall time that does not grow with the input, seconds. */
    fixed_s: number;
    a_s: number;
    /** Data-dependent wall seconds at the whole input. */
    b_s: number;
    exponent: number;
    /** Wall seconds per CPU second of the data work, at most 1. Absent in analyses stored before it existed. */
    wall_per_cpu?: number;
    r2: number | null;
    max_relative_residual: number | null;
  } | null;
  /** Runtime on the whole input predicted by the model alone, seconds. */
  extrapolated_s: number | null;
  /** Spark shuffle of the whole input extrapolated from the runs' shuffle bytes; null without them. */
  shuffle: ShuffleFit | null;
}

export interface SampleRunsOptions {
  db: Knex;
  capacity: Resources;
  python: string;
  repoRoot: string;
  settings: SampleSettings;
  now?: () => number;
}

/** One instance per store, so the scheduler's sample runs and those of `POST /preflight` share the held cores. */
const instances = new WeakMap<Knex, SampleRuns>();

/** Returns the store's SampleRuns, creating it with `options` on first use. */
export function sampleRunsFor(options: SampleRunsOptions): SampleRuns {
  const existing = instances.get(options.db);
  if (existing !== undefined) return existing;
  const created = new SampleRuns(options);
  instances.set(options.db, created);
  return created;
}

/** How often a job waiting for interactive room checks again. */
const ADMISSION_POLL_MS = 500;

/**
 * Runs the sample runs of jobs in the background, a few at a time, and keeps their results
 * until the scheduler's next pre-flight of the job collects them.
 * NOTE: a job cancelled while its runs are in progress is never collected, so its finished
 * summary stays in memory until the service restarts.
 */
export class SampleRuns {
  private readonly inFlight = new Map<number, { done: boolean; summary: Promise<SampleSummary> }>();
  private held = 0;
  private readonly now: () => number;

  constructor(private readonly options: SampleRunsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Cores that running sample runs hold in the interactive pool. */
  heldCores(): number {
    return this.held;
  }

  /** Returns whether the job's sample runs are still waiting for room or running. */
  isPending(jobId: number): boolean {
    const entry = this.inFlight.get(jobId);
    return entry !== undefined && !entry.done;
  }

  /**
   * Returns the job's summary once its runs ended, and drops it from memory. Returns null after
   * starting the runs in the background, and while they run.
   */
  async collect(jobId: number, plan: SamplePlan): Promise<SampleSummary | null> {
    const entry = this.inFlight.get(jobId);
    if (entry === undefined) {
      const started = { done: false, summary: this.measure(plan) };
      started.summary.finally(() => {
        started.done = true;
      }).catch(() => undefined);
      this.inFlight.set(jobId, started);
      return null;
    }
    if (!entry.done) return null;
    this.inFlight.delete(jobId);
    return entry.summary;
  }

  /** Waits for room, runs every fraction smallest first, and fits the model; never rejects. */
  async measure(plan: SamplePlan): Promise<SampleSummary> {
    const { settings } = this.options;
    const runs: SampleRunRecord[] = [];
    try {
      const skip = await this.tooSmallToSample(plan);
      if (skip !== null) return emptySummary('skipped', skip, 0);
      if (!(await this.waitForRoom())) {
        return emptySummary(
          'skipped',
          `no interactive capacity was free for ${settings.admissionWaitMs / 1000} s (DOFC_SAMPLE_ADMISSION_WAIT_S)`,
          0,
        );
      }
      try {
        for (const fraction of settings.fractions) {
          const record = await runSample(plan, fraction, this.runOptions());
          runs.push(record);
          if (record.outcome !== 'succeeded') break;
        }
      } finally {
        this.held -= settings.cores;
      }
    } catch (error) {
      return { ...emptySummary('failed', `sample runs failed: ${(error as Error).message}`, settings.cores), runs };
    }
    return summarize(runs, settings.cores);
  }

  private runOptions() {
    return { python: this.options.python, repoRoot: this.options.repoRoot, timeoutMs: this.options.settings.timeoutMs };
  }

  /** Returns why the inputs are too small to sample, or null when they are large enough. */
  private async tooSmallToSample(plan: SamplePlan): Promise<string | null> {
    if (plan.inputs.length === 0) return null;
    const shadow = await measureSampledInputs(plan, this.runOptions());
    const minimum = this.options.settings.minInputBytes;
    if (shadow.files.length === 0 && !plan.usesDofcRead) return 'no CSV, JSON or Parquet input was found to sample';
    if (shadow.input_bytes < minimum && !plan.usesDofcRead) {
      return `the sampled inputs hold ${shadow.input_bytes} bytes, under the ${minimum} bytes (DOFC_SAMPLE_MIN_INPUT_BYTES) worth sampling`;
    }
    return null;
  }

  private async waitForRoom(): Promise<boolean> {
    const { settings, db, capacity } = this.options;
    const deadline = this.now() + settings.admissionWaitMs;
    for (;;) {
      const underLimit = this.held + settings.cores <= settings.maxConcurrent * settings.cores;
      if (underLimit && (await interactiveRoomFor(db, capacity, this.held, settings.cores))) {
        this.held += settings.cores;
        return true;
      }
      if (this.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, ADMISSION_POLL_MS));
    }
  }
}

function emptySummary(status: SampleSummary['status'], reason: string, cores: number): SampleSummary {
  return { status, reason, cores_held: cores, runs: [], model: null, extrapolated_s: null, shuffle: null };
}

/** Fits the model to the successful runs; at least two are needed. */
export function summarize(runs: SampleRunRecord[], cores: number): SampleSummary {
  const succeeded = runs.filter((run) => run.outcome === 'succeeded' && run.wall_s !== null);
  const last = runs[runs.length - 1];
  if (last !== undefined && last.outcome !== 'succeeded') {
    const status = last.outcome === 'timed_out' ? 'timed_out' : 'failed';
    const reason =
      last.outcome === 'timed_out' ? last.message : `the sample run on ${formatShare(last.fraction)} of the inputs failed: ${last.message}`;
    return { ...emptySummary(status, reason, cores), runs, ...fitted(succeeded) };
  }
  const result = fitted(succeeded);
  if (result.model === null) return { ...emptySummary('failed', 'fewer than two sample runs succeeded', cores), runs };
  return { status: 'measured', reason: null, cores_held: cores, runs, ...result, shuffle: fitShuffle(succeeded) };
}

function fitted(runs: SampleRunRecord[]): Pick<SampleSummary, 'model' | 'extrapolated_s'> {
  const points: ScalingPoint[] = runs.map((run) => ({
    x: run.input_share,
    wallS: run.wall_s as number,
    cpuS: run.cpu_s,
    cellsCpuS: run.cells_cpu_s,
    cellsWallS: run.cells_s,
  }));
  const fit = fitScaling(points);
  if (fit === null) return { model: null, extrapolated_s: null };
  return {
    model: {
      form: fit.form,
      fitted_on: fit.fittedOn,
      fixed_s: round(fit.fixedS),
      a_s: round(fit.aS),
      b_s: round(fit.bS),
      exponent: fit.exponent,
      wall_per_cpu: round(fit.wallPerCpu),
      r2: fit.r2 === null ? null : round(fit.r2),
      max_relative_residual: fit.maxRelativeResidual === null ? null : round(fit.maxRelativeResidual),
    },
    extrapolated_s: round(fit.predictedS),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

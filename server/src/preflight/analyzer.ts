import path from 'node:path';
import type { Knex } from 'knex';
import { demandOf, type JobSpec, type Label, type PoolName } from '../contract/job-spec.js';
import { routeJob } from '../policy/routing.js';
import type { JobRow } from '../store/job-rows.js';
import type { PreflightAnalysis } from './analysis.js';
import { codeFingerprint } from './fingerprint.js';
import { measureInput, unmeasuredInput, type MeasuredInput } from './input-measure.js';
import { runInspector } from './inspector-pool.js';
import type { PreflightSettings } from './settings.js';
import { loadRunHistory, loadSampleRatios } from './run-history.js';
import { estimateRuntime, type PastRun, type RuntimeEstimate } from './runtime-estimate.js';
import { combineWithSample, historyThroughModel } from './sample-estimate.js';
import { planSampleRuns } from './sample-plan.js';
import type { SamplePlan } from './sample-run.js';
import type { SampleSummary } from './sample-runs.js';
import { chooseShuffleEstimate } from './shuffle-model.js';

export interface AnalyzerDeps {
  db: Knex;
  settings: PreflightSettings;
  now: () => Date;
  /**
   * Runs the sample runs of a plan, or collects their summary; null while they still run.
   * Without it no sample runs are made.
   */
  sample?: (plan: SamplePlan) => Promise<SampleSummary | null>;
}

/** Input of a pre-flight analysis: a stored job or a submission that was only validated. */
export interface AnalysisSubject {
  owner: string;
  label: Label;
  /** The pool the job runs in unless routing moves it: the spec's pool, or its label's. */
  pool: PoolName;
  spec: Pick<
    JobSpec,
    'inputs' | 'eta_p50_s' | 'eta_p90_s' | 'est_shuffle_gb' | 'max_executors' | 'cores_per_executor' | 'mem_per_executor_gb'
  >;
  source: { kind: 'notebook' | 'cell' | 'script'; content: string; path: string | null; setupCells?: string[] };
}

/**
 * Analyses a job before it is queued. It inspects the code, measures the inputs, and estimates the
 * runtime from history and the shuffle from the sample runs' Spark shuffle bytes, or else from
 * inputs and operations. An L job that is too long or too heavy for the interactive pool is
 * routed to H. With `deps.sample`, it also runs the job on
 * samples of its inputs and extrapolates; it returns null while those runs are in progress.
 */
export async function analyzeSubject(subject: AnalysisSubject, deps: AnalyzerDeps): Promise<PreflightAnalysis | null> {
  const { settings } = deps;
  const report = await runInspector(subject.source.kind, subject.source.content, {
    python: settings.python,
    cwd: settings.repoRoot,
    timeoutMs: settings.inspectorTimeoutMs,
  });

  const baseDir = subject.source.path === null ? null : path.dirname(subject.source.path);
  const inputs = await measureInputs(subject, report.inputs, baseDir);
  const inputBytes = totalInputBytes(inputs, subject.spec.inputs);

  const fingerprint = codeFingerprint(subject.source.kind, subject.source.content);
  const history = await loadRunHistory(deps.db, fingerprint, subject.owner);
  const historyRuntime = estimateRuntime(
    {
      fingerprint,
      owner: subject.owner,
      inputBytes: inputBytes > 0 ? inputBytes : null,
      declaredP50S: subject.spec.eta_p50_s ?? null,
      declaredP90S: subject.spec.eta_p90_s ?? null,
    },
    history,
  );

  const sample = await sampleSubject(subject, report, deps);
  if (sample === 'pending') return null;
  const runtime = await withSample(historyRuntime, sample, deps, { history, fingerprint, inputBytes });

  const shuffle = chooseShuffleEstimate(
    sample?.shuffle?.extrapolated_gb ?? null,
    inputBytes,
    report.operations,
    report.uses_spark,
    subject.spec.est_shuffle_gb,
  );
  const shuffleGb = shuffle.gb;

  // The width rule of routeJob (demand against the interactive floor) is not applied here: it needs
  // no analysis, and on a small machine (a 2-core floor of 0.6 cores) it would move every job to H.
  const demand = demandOf(subject.spec);
  const routing = routeJob({ label: subject.label, etaP90S: runtime.p90S, estShuffleGb: shuffleGb }, settings.routing);

  const now = deps.now().getTime();
  const at = (seconds: number | null): string | null => (seconds === null ? null : new Date(now + seconds * 1000).toISOString());
  return {
    fingerprint,
    eta_p50_s: runtime.p50S,
    eta_p90_s: runtime.p90S,
    eta_basis: runtime.basis,
    history_runs: runtime.runs,
    calibration_runs: runtime.calibrationRuns,
    finish_eta: at(runtime.p50S),
    finish_eta_p90: at(runtime.p90S),
    input_bytes: inputBytes,
    inputs,
    est_shuffle_gb: shuffleGb,
    est_shuffle_basis: shuffle.basis,
    cost_core_hours: runtime.p50S === null ? null : Number(((demand.cores * runtime.p50S) / 3600).toPrecision(3)),
    uses_spark: report.uses_spark,
    sample,
    operations: report.operations,
    flags: report.flags,
    label: {
      requested: subject.label,
      verdict: routing.label,
      pool: routing.label !== subject.label ? routing.pool : subject.pool,
      moved: routing.label !== subject.label,
      reason: routing.reason,
    },
  };
}

/** Plans and runs (or collects) the sample runs; null when sampling is not set up here. */
async function sampleSubject(
  subject: AnalysisSubject,
  report: Awaited<ReturnType<typeof runInspector>>,
  deps: AnalyzerDeps,
): Promise<SampleSummary | 'pending' | null> {
  if (deps.sample === undefined) return null;
  const plan = planSampleRuns({ source: subject.source, declaredInputs: subject.spec.inputs }, report, deps.settings.sample);
  if ('skip' in plan) {
    return { status: 'skipped', reason: plan.skip, cores_held: 0, runs: [], model: null, extrapolated_s: null, shuffle: null };
  }
  return (await deps.sample(plan)) ?? 'pending';
}

async function withSample(
  estimate: RuntimeEstimate,
  sample: SampleSummary | null,
  deps: AnalyzerDeps,
  past: { history: PastRun[]; fingerprint: string; inputBytes: number },
): Promise<RuntimeEstimate> {
  if (sample?.extrapolated_s === null || sample?.extrapolated_s === undefined) return estimate;
  const sameCodeP50S =
    sample.model === null ? null : historyThroughModel(past.history, past.fingerprint, past.inputBytes, sample.model, sample.extrapolated_s);
  return combineWithSample(estimate, {
    extrapolatedS: sample.extrapolated_s,
    maxRelativeResidual: sample.model?.max_relative_residual ?? null,
    pastRatios: await loadSampleRatios(deps.db),
    sameCodeP50S,
  });
}

/** Measures the declared inputs, then those the code reads that were not declared. */
async function measureInputs(
  subject: AnalysisSubject,
  discovered: Awaited<ReturnType<typeof runInspector>>['inputs'],
  baseDir: string | null,
): Promise<MeasuredInput[]> {
  const measured: MeasuredInput[] = [];
  const seen = new Set<string>();
  for (const input of subject.spec.inputs) {
    const result = await measureInput(input.path, 'declared', baseDir);
    measured.push(result);
    seen.add(result.resolved ?? input.path);
  }
  for (const ref of discovered) {
    if (ref.kind !== 'path' || ref.location === null) continue;
    if (!ref.exact) {
      measured.push({ ...unmeasuredInput(ref.location, 'discovered'), note: 'path computed at run time; not measured' });
      continue;
    }
    const result = await measureInput(ref.location, 'discovered', baseDir);
    const key = result.resolved ?? ref.location;
    if (seen.has(key)) continue;
    seen.add(key);
    measured.push(result);
  }
  return measured;
}

/** Sums measured bytes; a declared input that could not be measured counts with its declared size. */
function totalInputBytes(measured: MeasuredInput[], declared: JobSpec['inputs']): number {
  let total = 0;
  for (const input of measured) {
    if (input.bytes !== null) {
      total += input.bytes;
      continue;
    }
    const declaredSize = declared.find((item) => item.path === input.path)?.size_bytes;
    if (input.origin === 'declared' && declaredSize !== undefined) total += declaredSize;
  }
  return total;
}

/** Loads the source of a stored job for analysis. */
export async function loadSubject(db: Knex, job: JobRow): Promise<AnalysisSubject> {
  const source = await db('job_sources').where({ job_id: job.id }).first();
  if (source === undefined) throw new Error(`job ${job.id} has no stored source`);
  return {
    owner: job.owner,
    label: job.label,
    pool: job.pool,
    spec: job.spec,
    source: {
      kind: source.kind,
      content: source.content,
      path: source.path ?? null,
      setupCells: (source.setup_cells as string[] | null) ?? [],
    },
  };
}

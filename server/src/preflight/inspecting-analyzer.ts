import type { Knex } from 'knex';
import { recordEvent } from '../jobs/transitions.js';
import type { Resources } from '../policy/types.js';
import type { JobRow } from '../store/job-rows.js';
import { analyzeSubject, loadSubject, type AnalyzerDeps } from './analyzer.js';
import type { PreflightAnalysis } from './analysis.js';
import type { SamplePlan } from './sample-run.js';
import type { PreflightAnalyzer, PreflightResult } from './preflight.js';
import { sampleRunsFor } from './sample-runs.js';
import { describeEstimate } from './summary.js';

/**
 * Creates the pre-flight analyzer the service runs: code inspection, input measurement, sample
 * runs, history and routing. Sample runs need `capacity`, the cores they count against. Without
 * it, or with DOFC_SAMPLE_RUNS=off, jobs are estimated from history alone.
 */
export function inspectingAnalyzer(deps: Omit<AnalyzerDeps, 'sample'> & { capacity?: Resources }): PreflightAnalyzer {
  const { capacity } = deps;
  const sampleRuns =
    capacity === undefined || deps.settings.sample.mode === 'off'
      ? null
      : sampleRunsFor({
          db: deps.db,
          capacity,
          python: deps.settings.python,
          repoRoot: deps.settings.repoRoot,
          settings: deps.settings.sample,
        });

  return {
    async analyze(job: JobRow): Promise<PreflightResult | null> {
      // A job whose sample runs are in progress is not inspected again until they end.
      if (sampleRuns?.isPending(job.id)) return null;
      const sample = sampleRuns === null ? undefined : { sample: (plan: SamplePlan) => sampleRuns.collect(job.id, plan) };
      const analysis = await analyzeSubject(await loadSubject(deps.db, job), { ...deps, ...sample });
      if (analysis === null) return null;
      return { etaP50S: analysis.eta_p50_s, etaP90S: analysis.eta_p90_s, summary: describeEstimate(analysis), analysis };
    },
    record: recordAnalysis,
    capacityLeft(total: Resources): Resources {
      return { ...total, cores: Math.max(0, total.cores - (sampleRuns?.heldCores() ?? 0)) };
    },
  };
}

/**
 * Stores the analysis: the estimates go into the spec because the policy plans with
 * `spec.eta_p50_s` and `spec.eta_p90_s`, a re-routed job gets its new label and pool, and the
 * timeline gets a `preflight` event with the ETA and the verdict.
 */
async function recordAnalysis(trx: Knex.Transaction, job: JobRow, result: PreflightResult, at: Date): Promise<void> {
  const analysis = result.analysis;
  if (analysis === undefined) return;

  const spec = {
    ...job.spec,
    label: analysis.label.verdict,
    pool: analysis.label.pool,
    est_shuffle_gb: analysis.est_shuffle_gb,
    ...(analysis.eta_p50_s === null ? {} : { eta_p50_s: analysis.eta_p50_s }),
    ...(analysis.eta_p90_s === null ? {} : { eta_p90_s: analysis.eta_p90_s }),
  };
  await trx('jobs')
    .where({ id: job.id })
    .update({ spec: JSON.stringify(spec), label: analysis.label.verdict, pool: analysis.label.pool, updated_at: at });

  await trx('job_preflight')
    .insert({ job_id: job.id, analyzed_at: at, analysis: JSON.stringify(analysis) })
    .onConflict('job_id')
    .merge();

  await recordEvent(trx, {
    jobId: job.id,
    at,
    type: 'preflight',
    code: analysis.label.moved ? (analysis.label.reason?.code ?? 'relabelled') : 'analyzed',
    message: result.summary,
    data: eventData(analysis),
  });
}

function eventData(analysis: PreflightAnalysis): Record<string, unknown> {
  return {
    eta_p50_s: analysis.eta_p50_s,
    eta_p90_s: analysis.eta_p90_s,
    eta_basis: analysis.eta_basis,
    finish_eta: analysis.finish_eta,
    est_shuffle_gb: analysis.est_shuffle_gb,
    est_shuffle_basis: analysis.est_shuffle_basis,
    input_bytes: analysis.input_bytes,
    flags: analysis.flags.map((flag) => flag.id),
    label: analysis.label,
    sample: analysis.sample === null ? null : { ...analysis.sample, runs: analysis.sample.runs.map(({ cells_s: _cells, cells_cpu_s: _cpu, ...run }) => run) },
  };
}

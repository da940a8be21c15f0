import type { Knex } from 'knex';
import type { Resources } from '../policy/types.js';
import type { JobRow } from '../store/job-rows.js';
import type { PreflightAnalysis } from './analysis.js';

/** What pre-flight learned about a job before it is queued. */
export interface PreflightResult {
  etaP50S: number | null;
  etaP90S: number | null;
  /** Sentence shown to the user with the queued state. */
  summary: string;
  /** The full analysis to store with the job; absent for analyzers that only pass declared values on. */
  analysis?: PreflightAnalysis;
}

export interface PreflightAnalyzer {
  /** Analyses the job; null means the analysis is still in progress (sample runs), so ask again next cycle. */
  analyze(job: JobRow): Promise<PreflightResult | null>;
  /**
   * Stores the result on the job in the scheduler's transaction, before the job is queued:
   * estimates into the spec, a re-routed label and pool, and a `preflight` timeline event.
   */
  record?(trx: Knex.Transaction, job: JobRow, result: PreflightResult, at: Date): Promise<void>;
  /** The capacity left for jobs after what pre-flight's own sample runs hold right now. */
  capacityLeft?(capacity: Resources): Resources;
}

/** Uses the ETAs the submitter declared. It does no analysis of its own. */
export const declaredEtaAnalyzer: PreflightAnalyzer = {
  async analyze(job) {
    const p50 = job.spec.eta_p50_s ?? null;
    const p90 = job.spec.eta_p90_s ?? null;
    const summary =
      p50 === null ? 'Queued; no runtime estimate was given.' : `Queued; expected runtime about ${Math.round(p50)} s.`;
    return { etaP50S: p50, etaP90S: p90, summary };
  },
};

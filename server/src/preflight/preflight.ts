import type { JobRow } from '../store/job-rows.js';

/** What pre-flight learned about a job before it is queued. */
export interface PreflightResult {
  etaP50S: number | null;
  etaP90S: number | null;
  /** Sentence shown to the user with the queued state. */
  summary: string;
}

export interface PreflightAnalyzer {
  analyze(job: JobRow): Promise<PreflightResult>;
}

/**
 * Uses the ETAs the submitter declared. It does no analysis of its own.
 * TODO: replace with the analyzer that inspects the code and extrapolates sample runs.
 */
export const declaredEtaAnalyzer: PreflightAnalyzer = {
  async analyze(job) {
    const p50 = job.spec.eta_p50_s ?? null;
    const p90 = job.spec.eta_p90_s ?? null;
    const summary =
      p50 === null ? 'Queued; no runtime estimate was given.' : `Queued; expected runtime about ${Math.round(p50)} s.`;
    return { etaP50S: p50, etaP90S: p90, summary };
  },
};

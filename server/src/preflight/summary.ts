import type { PreflightAnalysis } from './analysis.js';

const BASIS_TEXT: Record<PreflightAnalysis['eta_basis'], string> = {
  fingerprint: 'from past runs of the same code',
  owner: "from the owner's recent runs",
  declared: 'as declared',
  sample: 'extrapolated from sample runs',
  sample_and_history: 'from sample runs and past runs of the same code',
  unknown: '',
};

/** Formats seconds as "45 s", "12 min" or "3.5 h". */
export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Builds the sentence shown with the queued state: the runtime estimate and, when moved, why. */
export function describeEstimate(analysis: PreflightAnalysis): string {
  const parts: string[] = [];
  if (analysis.eta_p50_s === null && analysis.eta_p90_s === null) {
    parts.push('Queued; runtime unknown (no history and no declared ETA).');
  } else {
    const p50 = analysis.eta_p50_s === null ? '?' : formatSeconds(analysis.eta_p50_s);
    const p90 = analysis.eta_p90_s === null ? '?' : formatSeconds(analysis.eta_p90_s);
    parts.push(`Queued; expected runtime ${p50} (p90 ${p90}) ${BASIS_TEXT[analysis.eta_basis]}.`);
  }
  if (analysis.label.moved && analysis.label.reason !== null) {
    parts.push(`Labelled ${analysis.label.requested} but moved to ${analysis.label.verdict}: ${analysis.label.reason.message}`);
  }
  return parts.join(' ');
}

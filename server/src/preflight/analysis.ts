import type { Label, PoolName } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';
import type { InspectedFlag } from './inspector-report.js';
import type { MeasuredInput } from './input-measure.js';
import type { RuntimeEstimate } from './runtime-estimate.js';
import type { SampleSummary } from './sample-runs.js';
import type { ShuffleEstimate } from './shuffle-model.js';

/** The stored and returned result of a pre-flight analysis (JSON field names, as the API shows them). */
export interface PreflightAnalysis {
  fingerprint: string;
  eta_p50_s: number | null;
  eta_p90_s: number | null;
  eta_basis: RuntimeEstimate['basis'];
  history_runs: number;
  calibration_runs: number;
  /** When the job would finish if it started at analysis time: queue waits are not included. */
  finish_eta: string | null;
  finish_eta_p90: string | null;
  input_bytes: number;
  inputs: MeasuredInput[];
  est_shuffle_gb: number;
  /** Source of est_shuffle_gb (see ShuffleEstimate). */
  est_shuffle_basis: ShuffleEstimate['basis'];
  /** Cores held times the p50 runtime, in core-hours; null without a runtime estimate. */
  cost_core_hours: number | null;
  uses_spark: boolean;
  /** Pre-flight sample runs on small shares of the inputs; null when none were considered. */
  sample: SampleSummary | null;
  operations: Record<string, number>;
  flags: InspectedFlag[];
  label: {
    requested: Label;
    verdict: Label;
    pool: PoolName;
    moved: boolean;
    reason: Reason | null;
  };
}

import type { JobState, Reason } from '../../contract/job-view.js';
import type { Diagnosis } from '../error-catalogue/index.js';
import type { SparkReport } from '../spark-report/index.js';

/** The post-run report of one job. Times are ISO 8601 strings and durations are seconds. */
export interface JobReport {
  job_id: number;
  name: string | null;
  owner: string;
  pool: string;
  state: JobState;
  reason: Reason | null;
  /** The catalogue's explanation of the last failed attempt, or null when none failed. */
  diagnosis: Diagnosis | null;
  runtime: RuntimeComparison;
  queue: QueueWait;
  usage: { cores: number; mem_gb: number; core_hours: number };
  attempts: AttemptSummary[];
  retries: number;
  /** Per-cell times of the last attempt of a notebook or cell job; empty for scripts. */
  cells: CellTiming[];
  /** The analysis of the last attempt's Spark event log, when it left one. */
  spark: SparkSection | null;
}

export interface RuntimeComparison {
  predicted_p50_s: number | null;
  predicted_p90_s: number | null;
  /** Wall time of the last attempt, or of the running one up to now. */
  actual_s: number | null;
  /** actual / predicted p50; above 1 means slower than predicted. */
  ratio_to_p50: number | null;
  /** True when the actual time exceeded the p90 prediction. */
  over_p90: boolean | null;
}

export interface QueueWait {
  submitted_at: string;
  /** The first start the scheduler promised while the job waited, if it promised one. */
  first_promised_start: string | null;
  first_started_at: string | null;
  /** From submission to the first start, pre-flight included. */
  wait_s: number | null;
  /** From submission until pre-flight queued the job; null while it has not. */
  preflight_s: number | null;
  /** First start minus the first promise; positive means the promise was missed by that much. */
  late_by_s: number | null;
}

export interface AttemptSummary {
  attempt: number;
  started_at: string | null;
  ended_at: string | null;
  duration_s: number | null;
  verdict: string | null;
  code: string | null;
  diagnosis: Diagnosis | null;
}

export interface CellTiming {
  /** 1-based number among the code cells, as users count them. */
  cell: number;
  duration_s: number;
  status: string;
}

export type SparkSection = { event_log: string; report: SparkReport } | { event_log: string; error: string };

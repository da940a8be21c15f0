/**
 * The scheduler's job shapes as the browser sees them. They mirror `server/src/contract/`
 * (JobViewSchema and JobSubmissionSchema); the extension does not import that code because the
 * server package is not part of the browser bundle.
 */

export type Label = 'L' | 'H';
export type Priority = 'P0' | 'P1' | 'P2';
export type JobState =
  | 'submitted'
  | 'preflight'
  | 'queued'
  | 'starting'
  | 'running'
  | 'retrying'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export const LABELS: readonly Label[] = ['L', 'H'];
export const PRIORITIES: readonly Priority[] = ['P0', 'P1', 'P2'];
export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

export interface JobProgress {
  done: number;
  total: number;
  unit: string;
  detail?: string;
}

export interface JobView {
  job_id: number;
  name: string | null;
  owner: string;
  team: string;
  label: Label;
  priority: Priority;
  pool: string;
  state: JobState;
  reason: { code: string; message: string } | null;
  position: number | null;
  planned_start: string | null;
  progress: JobProgress | null;
  attempt: number;
  failed_cell: { index: number; code_cell_number: number; ename: string; evalue: string; source_head: string } | null;
  submitted_at: string;
  started_at: string | null;
  finished_at: string | null;
  has_output: boolean;
  /** The approver and time of a P0 job's critical-lane approval, or null when it is not approved. */
  critical_approval: { by: string; at: string } | null;
  spec: Record<string, unknown>;
}

export interface JobList {
  jobs: JobView[];
  next_cursor: string | null;
}

export interface JobSource {
  kind: 'notebook' | 'cell' | 'script';
  path?: string;
  content?: string;
  setup_cells?: string[];
}

/** A submission as the browser sends it; the proxy sets `owner` and makes `source.path` absolute. */
export interface JobSubmission {
  name?: string;
  label: Label;
  priority: Priority;
  not_before?: string;
  deadline?: string;
  source: JobSource;
}

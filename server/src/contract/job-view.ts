import { z } from 'zod';
import { LABELS, POOLS, PRIORITIES } from './job-spec.js';

/** Every state of a job. `paused` and `retrying` wait to run again; the last three are final. */
export const JOB_STATES = [
  'submitted',
  'preflight',
  'queued',
  'starting',
  'running',
  'retrying',
  'paused',
  'succeeded',
  'failed',
  'cancelled',
] as const;

export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** A sentence for the person and a stable code for programs, kept with every waiting or final state. */
export const ReasonSchema = z.object({
  code: z.string(),
  message: z.string(),
});
export type Reason = z.infer<typeof ReasonSchema>;

export const ProgressSchema = z.object({
  done: z.number(),
  total: z.number(),
  unit: z.string(),
  detail: z.string().optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** The cell that stopped a notebook job, as the runner reported it. */
export const FailedCellSchema = z.object({
  index: z.number(),
  code_cell_number: z.number(),
  ename: z.string(),
  evalue: z.string(),
  source_head: z.string(),
});

export const JobViewSchema = z.object({
  job_id: z.number(),
  name: z.string().nullable(),
  owner: z.string(),
  team: z.string(),
  label: z.enum(LABELS),
  priority: z.enum(PRIORITIES),
  pool: z.enum(POOLS),
  state: z.enum(JOB_STATES),
  reason: ReasonSchema.nullable(),
  position: z.number().nullable(),
  planned_start: z.string().nullable(),
  progress: ProgressSchema.nullable(),
  attempt: z.number(),
  failed_cell: FailedCellSchema.nullable(),
  submitted_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  has_output: z.boolean(),
  /** The approver and time of a P0 job's critical-lane approval (an admin or an emergency grant), or null. */
  critical_approval: z.object({ by: z.string(), at: z.string() }).nullable(),
  spec: z.record(z.string(), z.unknown()),
});
export type JobView = z.infer<typeof JobViewSchema>;

export const JobEventSchema = z.object({
  id: z.number(),
  job_id: z.number(),
  at: z.string(),
  type: z.string(),
  from_state: z.enum(JOB_STATES).nullable(),
  to_state: z.enum(JOB_STATES).nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type JobEvent = z.infer<typeof JobEventSchema>;

export const JobListSchema = z.object({
  jobs: z.array(JobViewSchema),
  next_cursor: z.string().nullable(),
});

export const ErrorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

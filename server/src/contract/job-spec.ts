import { z } from 'zod';

/**
 * The canonical JobSpec: the one description of a job that the API validates, the store keeps
 * and the CLI and the extension send. Every other type of a job derives from these schemas.
 */

export const LABELS = ['L', 'H'] as const;
export const PRIORITIES = ['P0', 'P1', 'P2'] as const;
export const POOLS = ['interactive', 'heavy'] as const;
export const SOURCE_KINDS = ['notebook', 'cell', 'script'] as const;
export const INPUT_FORMATS = ['csv', 'parquet', 'json', 'orc', 'avro', 'text', 'delta', 'other'] as const;

export type Label = (typeof LABELS)[number];
export type Priority = (typeof PRIORITIES)[number];
export type PoolName = (typeof POOLS)[number];

/** Return the pool a label runs in when the spec names none. */
export function poolForLabel(label: Label): PoolName {
  return label === 'L' ? 'interactive' : 'heavy';
}

/** A cap on one inline source, so one request cannot fill the store. */
export const MAX_SOURCE_BYTES = 20 * 1024 * 1024;

const isoDateTime = z.iso.datetime({ offset: true });

export const InputSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  size_bytes: z.int().min(0).optional(),
  format: z.enum(INPUT_FORMATS).optional(),
  partitions: z.int().min(1).max(1_000_000).optional(),
});

/**
 * When a failed attempt is tried again. Only failures outside the user's code are retried:
 * infrastructure faults, a lost Spark executor and running out of memory (with 1.5 times the
 * memory per executor). A timeout is retried only with `retry_timeout`, because a job that ran
 * out of time usually runs out of time again. The wait before attempt n + 1 is
 * `backoff_s * 2^(n - 1)`, capped at `max_backoff_s`, times a random factor from 0.5 to 1 so
 * that jobs failed by the same fault do not all come back at once.
 */
export const RetryPolicySchema = z.strictObject({
  max_attempts: z.int().min(1).max(10).default(1),
  backoff_s: z.number().min(0).max(3600).default(30),
  max_backoff_s: z.number().min(0).max(86400).default(3600),
  retry_timeout: z.boolean().default(false),
});

export type RetryPolicy = z.output<typeof RetryPolicySchema>;

/** Read a stored retry policy with every default applied, including fields added after it was stored. */
export function retryPolicyOf(spec: { retry_policy?: Partial<RetryPolicy> }): RetryPolicy {
  return RetryPolicySchema.parse(spec.retry_policy ?? {});
}

/**
 * What to run. `content` is a snapshot taken at submission, so editing the notebook afterwards
 * does not change the job. `path` names the file it came from: its folder is the working
 * directory, as in Jupyter. A job with a path and no content is read by the server at submission.
 */
export const SourceSchema = z
  .strictObject({
    kind: z.enum(SOURCE_KINDS),
    path: z.string().min(1).max(4096).optional(),
    content: z.string().max(MAX_SOURCE_BYTES).optional(),
    setup_cells: z.array(z.string().max(MAX_SOURCE_BYTES)).max(200).optional(),
  })
  .refine((source) => source.path !== undefined || source.content !== undefined, {
    message: 'source needs a path or an inline content; give the notebook path or its JSON text',
    path: ['content'],
  })
  .refine((source) => source.setup_cells === undefined || source.kind === 'cell', {
    message: 'setup_cells applies only to a source of kind "cell"',
    path: ['setup_cells'],
  });

/** Fields a client may send when it submits a job; the server fills the rest. */
export const JobSubmissionSchema = z.strictObject({
  owner: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'owner is 1 to 64 letters, digits or _ . @ -'),
  team: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'team is 1 to 64 letters, digits or _ . -')
    .default('default'),
  name: z.string().min(1).max(200).optional(),
  label: z.enum(LABELS).default('L'),
  priority: z.enum(PRIORITIES).default('P2'),
  deadline: isoDateTime.optional(),
  not_before: isoDateTime.optional(),
  inputs: z.array(InputSchema).max(1000).default([]),
  est_shuffle_gb: z.number().min(0).max(1_000_000).optional(),
  eta_p50_s: z.number().positive().max(30 * 86400).optional(),
  eta_p90_s: z.number().positive().max(30 * 86400).optional(),
  pool: z.enum(POOLS).optional(),
  max_executors: z.int().min(1).max(1000).default(1),
  cores_per_executor: z.int().min(1).max(256).default(1),
  mem_per_executor_gb: z.number().min(0.125).max(4096).default(2),
  timeout_s: z.int().min(1).max(7 * 86400).default(6 * 3600),
  retry_policy: RetryPolicySchema.prefault({}),
  checkpoint: z.boolean().default(false),
  source: SourceSchema,
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});

export type JobSubmission = z.input<typeof JobSubmissionSchema>;

/** The stored, canonical form: every default applied, the pool resolved and the id assigned. */
export type JobSpec = z.output<typeof JobSubmissionSchema> & { job_id: number; pool: PoolName };

/** Compute the cores and memory a job uses while it runs. Admission is all or nothing. */
export function demandOf(spec: Pick<JobSpec, 'max_executors' | 'cores_per_executor' | 'mem_per_executor_gb'>): {
  cores: number;
  memGb: number;
} {
  return {
    cores: spec.max_executors * spec.cores_per_executor,
    memGb: spec.max_executors * spec.mem_per_executor_gb,
  };
}

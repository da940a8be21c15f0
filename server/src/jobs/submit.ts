import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Knex } from 'knex';
import { demandOf, type JobSpec } from '../contract/job-spec.js';
import { clampExecutors, executorCeilingFor } from '../policy/caps.js';
import { validatePolicyConfig, type DofcPolicyConfig } from '../policy/config.js';
import type { Resources } from '../policy/types.js';
import type { Reason } from '../contract/job-view.js';
import { loadPolicySettings, type StoredPolicySettings } from '../store/policy-settings.js';
import type { JobRow } from '../store/job-rows.js';
import { RejectedError } from './errors.js';
import { insertSubmittedJob } from './insert-job.js';
import { validateSubmission, type ParsedSubmission } from './validate-submission.js';

export interface SubmitOptions {
  capacity: Resources;
  now: Date;
  idempotencyKey?: string | undefined;
}

export interface SubmitResult {
  job: JobRow;
  /** True when an earlier submission with the same idempotency key is returned instead. */
  replayed: boolean;
}

/**
 * Validate a submission, snapshot its source and store the job as `submitted`, all in one
 * statement. A repeated Idempotency-Key with the same body returns the first job.
 */
export async function submitJob(
  db: Knex,
  body: unknown,
  options: SubmitOptions,
): Promise<SubmitResult> {
  const valid = await validateSubmission(body, options.capacity);
  const { content, pool } = valid;
  const { submission, clampReason } = await applyExecutorCeiling(db, valid.submission);

  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const key = options.idempotencyKey;
  if (key !== undefined) {
    const earlier = await findByIdempotencyKey(db, submission.owner, key, requestHash);
    if (earlier !== undefined) return { job: earlier, replayed: true };
  }

  try {
    const job = await insertJob(db, submission, content, pool, options, requestHash, clampReason);
    return { job, replayed: false };
  } catch (error) {
    // Two requests with one key raced; the loser returns the winner's job.
    if (key !== undefined && isUniqueViolation(error)) {
      const earlier = await findByIdempotencyKey(db, submission.owner, key, requestHash);
      if (earlier !== undefined) return { job: earlier, replayed: true };
    }
    throw error;
  }
}

/**
 * The last stored settings seen and their validated form. Validation checks the time zone
 * through Intl, which costs more than the rest of a submission's own work, and the settings
 * change rarely, so it runs again only when they do.
 */
let lastConfig: { key: string; config: DofcPolicyConfig } | null = null;

function configOf(stored: StoredPolicySettings): DofcPolicyConfig {
  const key = JSON.stringify(stored.settings);
  if (lastConfig !== null && lastConfig.key === key) return lastConfig.config;

  let config: DofcPolicyConfig;
  try {
    config = validatePolicyConfig(stored.settings);
  } catch {
    // The scheduler logs invalid stored settings; submissions fall back to the defaults meanwhile.
    config = validatePolicyConfig();
  }
  lastConfig = { key, config };
  return config;
}

/**
 * Fit the job under its owner's or team's executor ceiling from the admin's policy settings.
 * A job that requests more gets as many whole executors as fit, and one whose single executor is
 * over the ceiling is rejected with 422.
 */
async function applyExecutorCeiling(
  db: Knex,
  submission: ParsedSubmission,
): Promise<{ submission: ParsedSubmission; clampReason: Reason | null }> {
  const config = configOf(await loadPolicySettings(db));
  const ceiling = executorCeilingFor(submission.owner, submission.team, config);
  const clamp = clampExecutors(
    {
      executors: submission.max_executors,
      coresPerExecutor: submission.cores_per_executor,
      memPerExecutorGb: submission.mem_per_executor_gb,
    },
    ceiling,
  );
  if (!clamp.ok) throw new RejectedError(clamp.reason.code, clamp.reason.message);
  if (!clamp.clamped) return { submission, clampReason: null };
  return {
    submission: { ...submission, max_executors: clamp.executors },
    clampReason: clamp.reason,
  };
}

async function findByIdempotencyKey(
  db: Knex,
  owner: string,
  key: string,
  requestHash: string,
): Promise<JobRow | undefined> {
  const earlier = await db<JobRow>('jobs').where({ owner, idempotency_key: key }).first();
  if (earlier === undefined) return undefined;
  if (earlier.request_hash !== requestHash) {
    throw new RejectedError(
      'idempotency_key_reused',
      `Idempotency-Key "${key}" was used for job ${earlier.id} with a different request; use a new key for a new job.`,
    );
  }
  return earlier;
}

/** Stores the job as `submitted` with its source snapshot and its first event. */
async function insertJob(
  db: Knex,
  submission: ParsedSubmission,
  content: string,
  pool: JobSpec['pool'],
  options: SubmitOptions,
  requestHash: string,
  clampReason: Reason | null,
): Promise<JobRow> {
  const demand = demandOf(submission);
  const { content: _inline, ...sourceWithoutContent } = submission.source;
  const spec: Omit<JobSpec, 'job_id'> = { ...submission, pool, source: { ...sourceWithoutContent } };

  return insertSubmittedJob(db, {
    job: {
      name: submission.name ?? (submission.source.path !== undefined ? path.basename(submission.source.path) : null),
      owner: submission.owner,
      team: submission.team,
      label: submission.label,
      priority: submission.priority,
      pool,
      cores: demand.cores,
      mem_gb: demand.memGb,
      not_before: submission.not_before === undefined ? null : new Date(submission.not_before),
      idempotency_key: options.idempotencyKey ?? null,
      request_hash: requestHash,
      submitted_at: options.now,
      spec,
    },
    source: {
      kind: submission.source.kind,
      path: submission.source.path ?? null,
      content,
      setup_cells: submission.source.setup_cells ?? null,
    },
    event: {
      at: options.now,
      message: `Submitted by ${submission.owner} to the ${pool} pool.${clampReason === null ? '' : ` ${clampReason.message}`}`,
      data: {
        content_sha256: createHash('sha256').update(content).digest('hex'),
        ...(clampReason === null ? {} : { executors_clamped: clampReason }),
      },
    },
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
  );
}

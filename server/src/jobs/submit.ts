import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  demandOf,
  JobSubmissionSchema,
  MAX_SOURCE_BYTES,
  poolForLabel,
  type JobSpec,
} from '../contract/job-spec.js';
import { outlineNotebook } from '../contract/notebook.js';
import { describeFirstIssue } from '../contract/validation-message.js';
import type { Resources } from '../policy/types.js';
import type { JobRow } from '../store/job-rows.js';
import { InvalidInputError, RejectedError } from './errors.js';

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

type ParsedSubmission = ReturnType<typeof JobSubmissionSchema.parse>;

/**
 * Validate a submission, snapshot its source and store the job as `submitted`, all in one
 * transaction. A repeated Idempotency-Key with the same body returns the first job.
 */
export async function submitJob(db: Knex, body: unknown, options: SubmitOptions): Promise<SubmitResult> {
  const parsed = JobSubmissionSchema.safeParse(body);
  if (!parsed.success) {
    const problem = describeFirstIssue(parsed.error, body);
    throw new InvalidInputError('invalid_job_spec', problem.message, problem.field);
  }
  const submission = parsed.data;
  checkEtaOrder(submission);

  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const key = options.idempotencyKey;
  if (key !== undefined) {
    const earlier = await findByIdempotencyKey(db, submission.owner, key, requestHash);
    if (earlier !== undefined) return { job: earlier, replayed: true };
  }

  const content = await snapshotSource(submission.source);
  checkSourceContent(submission.source.kind, content);
  const pool = submission.pool ?? poolForLabel(submission.label);
  const demand = demandOf(submission);
  checkFitsCluster(demand, options.capacity);

  try {
    const job = await db.transaction(async (trx) => insertJob(trx, submission, content, pool, options, requestHash));
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

function checkEtaOrder(submission: ParsedSubmission): void {
  const { eta_p50_s: p50, eta_p90_s: p90 } = submission;
  if (p50 !== undefined && p90 !== undefined && p50 > p90) {
    throw new InvalidInputError(
      'invalid_job_spec',
      `Invalid eta_p50_s (${p50}): it is larger than eta_p90_s (${p90}); the median cannot exceed the 90th percentile.`,
      'eta_p50_s',
    );
  }
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

/** The source text to store: the inline content, or the file read now so later edits do not change the job. */
async function snapshotSource(source: ParsedSubmission['source']): Promise<string> {
  if (source.content !== undefined) return source.content;
  const file = source.path as string;
  if (!path.isAbsolute(file)) {
    throw new InvalidInputError(
      'source_path_not_absolute',
      `source.path "${file}" is relative; send an absolute path, or send the file's content inline.`,
      'source.path',
    );
  }
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new InvalidInputError(
      'source_not_found',
      `source.path "${file}" is not a file on the scheduler's machine; check the path or send the content inline.`,
      'source.path',
    );
  }
  if (info.size > MAX_SOURCE_BYTES) {
    throw new RejectedError(
      'source_too_large',
      `source.path "${file}" is ${info.size} bytes, above the ${MAX_SOURCE_BYTES}-byte limit; clear large outputs and submit again.`,
    );
  }
  return readFile(file, 'utf8');
}

function checkSourceContent(kind: ParsedSubmission['source']['kind'], content: string): void {
  if (kind !== 'notebook') return;
  const outline = outlineNotebook(content);
  if ('problem' in outline) {
    throw new InvalidInputError(
      'not_a_notebook',
      `source is not a Jupyter notebook: ${outline.problem}. Submit an .ipynb file saved by Jupyter, or use kind "script".`,
      'source.content',
    );
  }
}

function checkFitsCluster(demand: Resources, capacity: Resources): void {
  if (demand.cores > capacity.cores || demand.memGb > capacity.memGb) {
    throw new RejectedError(
      'larger_than_cluster',
      `The job asks for ${demand.cores} cores and ${demand.memGb} GB, but the cluster has ${capacity.cores} cores and ${capacity.memGb} GB; lower max_executors, cores_per_executor or mem_per_executor_gb.`,
    );
  }
}

async function insertJob(
  trx: Knex.Transaction,
  submission: ParsedSubmission,
  content: string,
  pool: JobSpec['pool'],
  options: SubmitOptions,
  requestHash: string,
): Promise<JobRow> {
  const demand = demandOf(submission);
  const { content: _inline, ...sourceWithoutContent } = submission.source;
  const [inserted] = await trx<JobRow>('jobs')
    .insert({
      name: submission.name ?? (submission.source.path !== undefined ? path.basename(submission.source.path) : null),
      owner: submission.owner,
      team: submission.team,
      label: submission.label,
      priority: submission.priority,
      pool,
      state: 'submitted',
      cores: demand.cores,
      mem_gb: demand.memGb,
      not_before: submission.not_before === undefined ? null : new Date(submission.not_before),
      idempotency_key: options.idempotencyKey ?? null,
      request_hash: requestHash,
      submitted_at: options.now,
      updated_at: options.now,
      spec: JSON.stringify({}) as unknown as JobSpec,
    })
    .returning('*');
  const row = inserted as JobRow;

  const spec: JobSpec = {
    ...submission,
    job_id: row.id,
    pool,
    source: {
      ...sourceWithoutContent,
    },
  };
  const [withSpec] = await trx<JobRow>('jobs')
    .where({ id: row.id })
    .update({ spec: JSON.stringify(spec) as unknown as JobSpec })
    .returning('*');

  await trx('job_sources').insert({
    job_id: row.id,
    kind: submission.source.kind,
    path: submission.source.path ?? null,
    content,
    setup_cells: submission.source.setup_cells === undefined ? null : JSON.stringify(submission.source.setup_cells),
  });
  await trx('job_events').insert({
    job_id: row.id,
    at: options.now,
    type: 'state',
    from_state: null,
    to_state: 'submitted',
    code: 'submitted',
    message: `Submitted by ${submission.owner} to the ${pool} pool.`,
    data: JSON.stringify({ content_sha256: createHash('sha256').update(content).digest('hex') }),
  });
  return withSpec as JobRow;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

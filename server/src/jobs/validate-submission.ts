import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  demandOf,
  JobSubmissionSchema,
  MAX_SOURCE_BYTES,
  poolForLabel,
  type PoolName,
} from '../contract/job-spec.js';
import { outlineNotebook } from '../contract/notebook.js';
import { describeFirstIssue } from '../contract/validation-message.js';
import type { Resources } from '../policy/types.js';
import { allowedRoots, resolveInsideRoots } from './allowed-roots.js';
import { InvalidInputError, RejectedError } from './errors.js';

export type ParsedSubmission = ReturnType<typeof JobSubmissionSchema.parse>;

/** A submission that passed every check, with its source snapshot and the resources it requests. */
export interface ValidSubmission {
  submission: ParsedSubmission;
  content: string;
  pool: PoolName;
  demand: Resources;
}

/**
 * Check a submission body the way `POST /jobs` and `POST /preflight` both need: the schema, the
 * ETA order, the source (read now when only a path is given) and the size against the cluster.
 * Throws InvalidInputError (400) or RejectedError (422) naming the value and the fix.
 */
export async function validateSubmission(
  body: unknown,
  capacity: Resources,
): Promise<ValidSubmission> {
  const parsed = JobSubmissionSchema.safeParse(body);
  if (!parsed.success) {
    const problem = describeFirstIssue(parsed.error, body);
    throw new InvalidInputError('invalid_job_spec', problem.message, problem.field);
  }
  const submission = parsed.data;
  checkEtaOrder(submission);

  const content = await snapshotSource(submission.source);
  checkSourceContent(submission.source.kind, content);
  const demand = demandOf(submission);
  checkFitsCluster(demand, capacity);
  return { submission, content, pool: submission.pool ?? poolForLabel(submission.label), demand };
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

/**
 * Return the source text to store: the inline content, or the file read now so later edits do not
 * change the job. Only a file inside DOFC_ALLOWED_ROOTS is read.
 * NOTE: a path sent with inline content is not confined: the server reads nothing there, and the
 * path's folder only becomes the job's working directory, where the job's code runs with the
 * scheduler's rights wherever it is.
 */
async function snapshotSource(source: ParsedSubmission['source']): Promise<string> {
  if (source.content !== undefined) return source.content;
  const requested = source.path as string;
  if (!path.isAbsolute(requested)) {
    throw new InvalidInputError(
      'source_path_not_absolute',
      `source.path "${requested}" is relative; send an absolute path, or send the file's content inline.`,
      'source.path',
    );
  }
  const file = await resolveInsideRoots(requested, allowedRoots());
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

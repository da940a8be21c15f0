import { validateSubmission } from '../jobs/validate-submission.js';
import type { Resources } from '../policy/types.js';
import type { AnalysisSubject } from './analyzer.js';

/**
 * Validates a submission body the way `POST /jobs` does, with the same error codes, and returns
 * what pre-flight analyses. Nothing is stored.
 */
export async function subjectFromSubmission(body: unknown, capacity: Resources): Promise<AnalysisSubject> {
  const { submission, content, pool } = await validateSubmission(body, capacity);
  return {
    owner: submission.owner,
    label: submission.label,
    pool,
    spec: submission,
    source: { kind: submission.source.kind, content, path: submission.source.path ?? null },
  };
}

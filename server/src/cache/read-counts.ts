import type { Knex } from 'knex';

/** The part of a stored pre-flight analysis this module reads (see preflight/analysis.ts). */
interface StoredAnalysis {
  inputs?: Array<{ resolved: string | null; exists: boolean; files: number | null }>;
}

/**
 * Count, per resolved input path, the Light jobs whose pre-flight found that input, over
 * analyses since `since`. Each job counts once per path, however often its code names it.
 * Only existing single-file inputs count, because the cache copies files, not folders.
 */
export async function countLightInputReads(db: Knex, since: Date): Promise<Map<string, number>> {
  const rows: Array<{ analysis: StoredAnalysis | string }> = await db('job_preflight as p')
    .join('jobs as j', 'j.id', 'p.job_id')
    .where('j.label', 'L')
    .andWhere('p.analyzed_at', '>=', since)
    .select('p.analysis');

  const counts = new Map<string, number>();
  for (const row of rows) {
    // PostgreSQL returns jsonb parsed; a driver that returns text gets parsed here.
    const analysis = typeof row.analysis === 'string' ? (JSON.parse(row.analysis) as StoredAnalysis) : row.analysis;
    const paths = new Set(
      (analysis.inputs ?? []).filter((input) => input.exists && input.files === 1 && input.resolved !== null).map((input) => input.resolved as string),
    );
    for (const inputPath of paths) counts.set(inputPath, (counts.get(inputPath) ?? 0) + 1);
  }
  return counts;
}

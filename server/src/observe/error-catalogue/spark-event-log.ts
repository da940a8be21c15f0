import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Folder in an attempt folder where a Spark job's event log is expected (spark.eventLog.dir). */
export const SPARK_EVENTS_DIR = 'spark-events';

/**
 * The newest regular file under `<attemptDir>/spark-events/`, or null when there is none. A job
 * that created several Spark applications leaves several logs, and the last one is usually the
 * one that failed or ran longest.
 */
export async function findSparkEventLog(attemptDir: string): Promise<string | null> {
  const folder = path.join(attemptDir, SPARK_EVENTS_DIR);
  const names = await readdir(folder).catch(() => [] as string[]);
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const name of names) {
    const file = path.join(folder, name);
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) continue;
    if (newest === null || info.mtimeMs > newest.mtimeMs) newest = { file, mtimeMs: info.mtimeMs };
  }
  return newest?.file ?? null;
}

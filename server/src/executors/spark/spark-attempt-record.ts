import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The attempt's Spark record: application name, UI port, working folder and spark-submit arguments. */
export const SPARK_ATTEMPT_FILE = 'spark.json';

/** Record of the attempt's application, kept in the attempt folder so a restarted scheduler finds it. */
export interface SparkAttemptRecord {
  appName: string;
  uiPort: number;
  workdir: string;
  /** The spark-submit arguments of a cold start. */
  argv: string[];
  /** The job's checkpoint URI and warehouse folder, which a warm driver moves to when claimed. */
  checkpointDir: string;
  warehouseDir: string;
  /** Whether the attempt may start on a warm driver (see SparkWarmPool.fits). */
  warmEligible: boolean;
  /**
   * The folder of the warm driver that runs the attempt, absent for a cold start. The command
   * lines of the driver's processes contain it, as a cold driver's contain the attempt folder.
   */
  warmSlotDir?: string;
}

export async function readAttemptRecord(attemptDir: string): Promise<SparkAttemptRecord> {
  return JSON.parse(await readFile(path.join(attemptDir, SPARK_ATTEMPT_FILE), 'utf8')) as SparkAttemptRecord;
}

/** Write the record through a temporary file and a rename, so a scheduler killed mid-write leaves the previous record. */
export async function writeAttemptRecord(attemptDir: string, record: SparkAttemptRecord): Promise<void> {
  const temporary = path.join(attemptDir, `.${SPARK_ATTEMPT_FILE}.tmp`);
  await writeFile(temporary, JSON.stringify(record, null, 2), 'utf8');
  await rename(temporary, path.join(attemptDir, SPARK_ATTEMPT_FILE));
}

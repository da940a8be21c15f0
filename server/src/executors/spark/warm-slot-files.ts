import { randomBytes } from 'node:crypto';
import { cp, link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_LOG_DIR } from './spark-conf.js';

/** Files in a warm driver's folder, shared with the driver (dofc/spark/warm_slot.py). */
export const SLOT_FILES = {
  /** The spark-submit pid, written here when the driver is started. */
  process: 'process.json',
  log: 'log.txt',
  /** Written by the driver once its kernel has created a SparkSession. */
  ready: 'ready.json',
  /** The claim: created once, by the scheduler for an attempt or by the driver when it retires. */
  assignment: 'assignment.json',
  events: EVENT_LOG_DIR,
} as const;

/** The claim record: the attempt and the job's folders that the claimed driver moves to. */
export interface SlotAssignment {
  attempt_dir: string;
  /** URI for SparkContext.setCheckpointDir, as a cold attempt's spark.checkpoint.dir. */
  checkpoint_dir: string;
  /** Local folder the driver's warehouse folder is linked to. */
  warehouse_dir: string;
  claimed_at: string;
}

/** The claim record as the driver may also have written it: `retired` instead of an attempt. */
export type SlotClaimRecord = Partial<SlotAssignment> & { retired?: string };

/**
 * Claim a waiting driver for an attempt by creating its `assignment.json`. The record is written
 * to a temporary file and linked into place, so a reader never sees a partial record. `link`
 * fails when the file exists, so exactly one of the scheduler and a driver that retires at the
 * same moment wins. Returns false when the driver retired first.
 */
export async function assignSlot(slotDir: string, assignment: SlotAssignment): Promise<boolean> {
  const temporary = path.join(slotDir, `.assignment-${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temporary, JSON.stringify(assignment), 'utf8');
  try {
    await link(temporary, path.join(slotDir, SLOT_FILES.assignment));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Read the claim record, or null while the driver is unclaimed (or its folder is gone). */
export async function readSlotClaim(slotDir: string): Promise<SlotClaimRecord | null> {
  const text = await readFile(path.join(slotDir, SLOT_FILES.assignment), 'utf8').catch(() => null);
  return text === null ? null : (JSON.parse(text) as SlotClaimRecord);
}

/** Read the spark-submit pid recorded when the driver was started, or null when there is none. */
export async function readSlotPid(slotDir: string): Promise<number | null> {
  const text = await readFile(path.join(slotDir, SLOT_FILES.process), 'utf8').catch(() => null);
  if (text === null) return null;
  const pid = (JSON.parse(text) as { pid?: unknown }).pid;
  return typeof pid === 'number' ? pid : null;
}

/**
 * Move a finished driver's event log into the attempt's `spark-events` folder, where a cold
 * attempt keeps its own. Call it only after the driver's process has ended, because Spark
 * renames the log when the application stops. Entries already moved are skipped, so the pool
 * and the executor may both call it for the same driver.
 */
export async function moveSlotEventLog(slotDir: string, attemptDir: string): Promise<void> {
  const source = path.join(slotDir, SLOT_FILES.events);
  const target = path.join(attemptDir, EVENT_LOG_DIR);
  const entries = await readdir(source).catch(() => [] as string[]);
  if (entries.length === 0) return;

  await mkdir(target, { recursive: true });
  for (const entry of entries) {
    const from = path.join(source, entry);
    const to = path.join(target, entry);
    try {
      await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code !== 'EXDEV') throw error;
      // The data folder spans two file systems: copy, then remove the source.
      await cp(from, to, { recursive: true });
      await rm(from, { recursive: true, force: true });
    }
  }
}

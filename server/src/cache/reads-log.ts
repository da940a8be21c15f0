import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** One lookup of a local file by a job, as dofc/warm/cache.py appends it to reads.jsonl. */
export interface ReadRecord {
  path: string;
  key: string;
  hit: boolean;
  bytes: number;
  /** Epoch seconds. */
  at: number;
}

export const READS_LOG = 'reads.jsonl';
const ROTATED = /^reads-\d+\.jsonl$/;

/**
 * Return the lookups logged before the previous call, and move the current log aside for the
 * next call. Kernels open the log, append one line and close it. Reading a moved log only one
 * call later gives a writer that opened it just before the move time to finish its line.
 */
export async function drainReadsLog(cacheDir: string, nowMs: number): Promise<ReadRecord[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const records: ReadRecord[] = [];
  for (const name of names.filter((entry) => ROTATED.test(entry)).sort()) {
    const file = path.join(cacheDir, name);
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const record = parseRecord(line);
      if (record !== null) records.push(record);
    }
    await unlink(file).catch(() => undefined);
  }

  await rename(path.join(cacheDir, READS_LOG), path.join(cacheDir, `reads-${nowMs}.jsonl`)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return records;
}

function parseRecord(line: string): ReadRecord | null {
  if (line.trim() === '') return null;
  try {
    const record = JSON.parse(line) as Partial<ReadRecord>;
    if (typeof record.key !== 'string' || typeof record.hit !== 'boolean') return null;
    return {
      path: String(record.path ?? ''),
      key: record.key,
      hit: record.hit,
      bytes: Number(record.bytes ?? 0),
      at: Number(record.at ?? 0),
    };
  } catch {
    // A line cut short by a kernel that was killed mid-write is skipped.
    return null;
  }
}

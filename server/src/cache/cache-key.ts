import { createHash } from 'node:crypto';

/**
 * The key of one version of a file: SHA-256 of its real path, size and modification time in
 * nanoseconds, joined by NUL. dofc/warm/cache.py computes the same key, so a file that changed
 * since it was copied has a new key and its old copy is never read.
 */
export function entryKey(realPath: string, size: bigint | number, mtimeNs: bigint): string {
  return createHash('sha256').update(`${realPath}\0${size}\0${mtimeNs}`).digest('hex');
}

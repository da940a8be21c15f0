/** A file that could be cached, with its current size and how often Light jobs read it. */
export interface HotSetCandidate {
  path: string;
  bytes: number;
  reads: number;
}

/**
 * Choose the files worth caching: at least `minReads` reads, most read first (ties: smaller
 * first, then by path, so the choice is stable), skipping any file that alone would not fit
 * in what is left of `maxBytes`.
 */
export function chooseHotSet<T extends HotSetCandidate>(candidates: T[], maxBytes: number, minReads: number): T[] {
  const ranked = candidates
    .filter((candidate) => candidate.reads >= minReads)
    .sort((a, b) => b.reads - a.reads || a.bytes - b.bytes || a.path.localeCompare(b.path));

  const chosen: T[] = [];
  let left = maxBytes;
  for (const candidate of ranked) {
    if (candidate.bytes > left) continue;
    chosen.push(candidate);
    left -= candidate.bytes;
  }
  return chosen;
}

/** A copy in the cache, with the time it was last read or, before any read, copied. */
export interface CachedEntry {
  key: string;
  bytes: number;
  lastUsedAt: number;
}

/**
 * Pick entries to evict, least recently used first, until `incomingBytes` more fit under
 * `maxBytes`. Entries in `keep` (those a running refresh has just admitted) are never picked.
 */
export function chooseEvictions<T extends CachedEntry>(entries: T[], incomingBytes: number, maxBytes: number, keep: ReadonlySet<string>): T[] {
  let used = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  const evicted: T[] = [];
  const oldestFirst = [...entries].sort((a, b) => a.lastUsedAt - b.lastUsedAt || a.key.localeCompare(b.key));
  for (const entry of oldestFirst) {
    if (used + incomingBytes <= maxBytes) break;
    if (keep.has(entry.key)) continue;
    evicted.push(entry);
    used -= entry.bytes;
  }
  return evicted;
}

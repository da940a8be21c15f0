import { copyFile, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { entryKey } from './cache-key.js';
import { chooseEvictions, chooseHotSet, type CachedEntry, type HotSetCandidate } from './hot-set.js';
import type { HotSetSettings } from './hot-set-settings.js';
import { countLightInputReads } from './read-counts.js';
import { drainReadsLog } from './reads-log.js';

/** Entries folder shared with dofc/warm/cache.py: `entries/<key>/<file name>`, plus `entries/<key>.json`. */
export const ENTRIES_DIR = 'entries';

/** Hit rate and size of the cache, as /ops/live and /metrics show them. */
export interface HotSetStats {
  hits: number;
  misses: number;
  /** Hits over lookups since the service started; null before the first lookup. */
  hit_rate: number | null;
  entries: number;
  bytes: number;
  max_bytes: number;
}

interface StoredEntry extends CachedEntry {
  /** Real path of the source file. */
  source: string;
}

export interface HotSetCacheOptions {
  db: Knex;
  /** The cache folder; runners get it as DOFC_HOT_SET_DIR. */
  dir: string;
  settings: HotSetSettings;
  logger: Logger;
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * Keeps local copies of the inputs Light jobs read most, within a size bound. Each refresh
 * counts the lookups kernels logged, drops copies whose source changed or vanished, and copies
 * the files that pre-flight found in the most Light jobs, evicting the least recently used
 * copies to make room. This class is the only writer of the entries; kernels only read them.
 */
export class HotSetCache {
  private readonly entries = new Map<string, StoredEntry>();
  private loaded = false;
  private hits = 0;
  private misses = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly now: () => Date;
  private readonly log: Logger;

  constructor(private readonly options: HotSetCacheOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.logger.child({ hotSet: options.dir });
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Refresh now and then every `refreshS` seconds; a failed refresh is logged and retried at the next. */
  start(): void {
    const run = () => {
      if (this.inFlight !== null) return;
      this.inFlight = this.refresh()
        .catch((error: unknown) => this.log.error({ err: error }, 'hot-set cache refresh failed; retrying at the next refresh'))
        .finally(() => {
          this.inFlight = null;
        });
    };
    this.timer = setInterval(run, this.options.settings.refreshS * 1000);
    this.timer.unref();
    run();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  stats(): HotSetStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hit_rate: lookups === 0 ? null : this.hits / lookups,
      entries: this.entries.size,
      bytes: [...this.entries.values()].reduce((sum, entry) => sum + entry.bytes, 0),
      max_bytes: this.options.settings.maxBytes,
    };
  }

  /** Run one refresh: count lookups, drop stale copies, copy hot files, evict to fit. */
  async refresh(): Promise<void> {
    const now = this.now();
    const entriesDir = path.join(this.options.dir, ENTRIES_DIR);
    await mkdir(entriesDir, { recursive: true });
    if (!this.loaded) await this.loadEntries(entriesDir);

    await this.countLookups(now);
    await this.dropStale(entriesDir);

    const counts = await countLightInputReads(this.options.db, new Date(now.getTime() - this.options.settings.windowDays * DAY_MS));
    const candidates = await measureCandidates(counts);
    const chosen = chooseHotSet(candidates, this.options.settings.maxBytes, this.options.settings.minReads);
    const chosenKeys = new Set(chosen.map((candidate) => candidate.key));

    for (const candidate of chosen) {
      if (this.entries.has(candidate.key)) continue;
      const evictions = chooseEvictions([...this.entries.values()], candidate.bytes, this.options.settings.maxBytes, chosenKeys);
      for (const entry of evictions) await this.remove(entriesDir, entry, 'evicted');
      await this.copyIn(entriesDir, candidate, now);
    }
  }

  private async countLookups(now: Date): Promise<void> {
    const records = await drainReadsLog(this.options.dir, now.getTime());
    for (const record of records) {
      if (!record.hit) {
        this.misses += 1;
        continue;
      }
      this.hits += 1;
      const entry = this.entries.get(record.key);
      if (entry !== undefined) entry.lastUsedAt = Math.max(entry.lastUsedAt, record.at * 1000);
    }
  }

  /** Remove copies whose source changed or is gone: their key no longer matches any file. */
  private async dropStale(entriesDir: string): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      const current = await currentKey(entry.source);
      if (current !== entry.key) await this.remove(entriesDir, entry, 'source changed');
    }
  }

  private async copyIn(entriesDir: string, candidate: HotSetCandidate & { key: string }, now: Date): Promise<void> {
    const staging = path.join(entriesDir, `.tmp-${candidate.key}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    await copyFile(candidate.path, path.join(staging, path.basename(candidate.path)));

    // A file written to while it was copied has a new key by now; its copy would be stale.
    if ((await currentKey(candidate.path)) !== candidate.key) {
      await rm(staging, { recursive: true, force: true });
      return;
    }
    // Renaming the whole folder publishes the copy at once, so a kernel never reads half a file.
    await rename(staging, path.join(entriesDir, candidate.key));
    const entry: StoredEntry = { key: candidate.key, bytes: candidate.bytes, lastUsedAt: now.getTime(), source: candidate.path };
    await writeFile(path.join(entriesDir, `${candidate.key}.json`), JSON.stringify({ source: entry.source, bytes: entry.bytes, copied_at: entry.lastUsedAt }));
    this.entries.set(entry.key, entry);
    this.log.info({ source: candidate.path, bytes: candidate.bytes, reads: candidate.reads }, 'copied a hot input into the cache');
  }

  private async remove(entriesDir: string, entry: StoredEntry, reason: string): Promise<void> {
    this.entries.delete(entry.key);
    await rm(path.join(entriesDir, `${entry.key}.json`), { force: true });
    // A kernel that resolved this copy just before falls back to the source (read_through_cache).
    await rm(path.join(entriesDir, entry.key), { recursive: true, force: true });
    this.log.info({ source: entry.source, bytes: entry.bytes, reason }, 'removed a copy from the hot-set cache');
  }

  /** Rebuild the index from the entries' metadata after a restart. A folder without metadata is removed, because the service stopped before it recorded that copy. */
  private async loadEntries(entriesDir: string): Promise<void> {
    const names = await readdir(entriesDir);
    for (const name of names) {
      if (name.endsWith('.json')) continue;
      const meta = await readFile(path.join(entriesDir, `${name}.json`), 'utf8').catch(() => null);
      if (meta === null) {
        await rm(path.join(entriesDir, name), { recursive: true, force: true });
        continue;
      }
      const parsed = JSON.parse(meta) as { source: string; bytes: number; copied_at: number };
      this.entries.set(name, { key: name, bytes: parsed.bytes, lastUsedAt: parsed.copied_at, source: parsed.source });
    }
    this.loaded = true;
  }
}

/** Resolve, stat and key each counted path. Paths that are gone or are not files are skipped. */
async function measureCandidates(counts: Map<string, number>): Promise<Array<HotSetCandidate & { key: string }>> {
  const byRealPath = new Map<string, HotSetCandidate & { key: string }>();
  for (const [inputPath, reads] of counts) {
    const real = await realpath(inputPath).catch(() => null);
    if (real === null) continue;
    const info = await stat(real, { bigint: true }).catch(() => null);
    if (info === null || !info.isFile()) continue;

    // Two spellings of one file (a symlink and its target) add up.
    const known = byRealPath.get(real);
    if (known !== undefined) {
      known.reads += reads;
      continue;
    }
    byRealPath.set(real, { path: real, bytes: Number(info.size), reads, key: entryKey(real, info.size, info.mtimeNs) });
  }
  return [...byRealPath.values()];
}

async function currentKey(source: string): Promise<string | null> {
  const info = await stat(source, { bigint: true }).catch(() => null);
  if (info === null || !info.isFile()) return null;
  return entryKey(source, info.size, info.mtimeNs);
}

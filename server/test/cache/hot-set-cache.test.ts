import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entryKey } from '../../src/cache/cache-key.js';
import { ENTRIES_DIR, HotSetCache } from '../../src/cache/hot-set-cache.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/store/database.js';
import { REPO_ROOT } from '../support/shared-data.js';
import { createTestStore, type TestStore } from '../support/test-store.js';

const python = loadConfig({}).python;
const KIB = 1024;

/** Python's key for `file`, from dofc/warm/cache.py, to check that both sides agree. */
function pythonKey(file: string): string {
  const program = 'import os, sys; from dofc.warm.cache import entry_key; p = os.path.realpath(sys.argv[1]); s = os.stat(p); print(entry_key(p, s.st_size, s.st_mtime_ns))';
  return execFileSync(python, ['-c', program, file], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

/** Look `files` up through the cache as a job's kernel does, which logs a hit or a miss for each. */
function readThroughPython(cacheDir: string, files: string[]): string[] {
  const program = 'import sys; from dofc.warm.cache import cached_path; print("\\n".join(cached_path(p) for p in sys.argv[1:]))';
  const output = execFileSync(python, ['-c', program, ...files], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, DOFC_HOT_SET_DIR: cacheDir } });
  return output.trim().split('\n');
}

describe('hot-set cache', () => {
  let store: TestStore;
  let db: Knex;
  let dataDir: string;
  let nextJobId = 1;
  let caches = 0;

  function writeInput(name: string, bytes: number, fill = 'x'): string {
    const file = path.join(dataDir, name);
    writeFileSync(file, fill.repeat(bytes));
    return file;
  }

  /** Record `count` Light jobs whose pre-flight found `file`, as the analyzer stores them. */
  async function recordLightReads(file: string, count: number, label: 'L' | 'H' = 'L'): Promise<void> {
    for (let i = 0; i < count; i++) {
      const id = nextJobId++;
      await db('jobs').insert({
        id,
        owner: 'ana',
        team: 'data',
        label,
        priority: 'P1',
        pool: label === 'L' ? 'interactive' : 'heavy',
        state: 'succeeded',
        spec: JSON.stringify({}),
        cores: 1,
        mem_gb: 1,
        submitted_at: new Date(),
        updated_at: new Date(),
      });
      const input = { path: file, resolved: file, origin: 'discovered', exists: true, bytes: 0, format: 'csv', files: 1, partitionDirs: 0, note: null };
      await db('job_preflight').insert({ job_id: id, analyzed_at: new Date(), analysis: JSON.stringify({ inputs: [input] }) });
    }
  }

  function newCache(maxBytes: number): HotSetCache {
    caches += 1;
    return new HotSetCache({
      db,
      dir: path.join(dataDir, `cache-${caches}`),
      settings: { maxBytes, minReads: 2, windowDays: 14, refreshS: 3600 },
      logger: createLogger('silent'),
    });
  }

  function entryFile(cache: HotSetCache, file: string): string {
    return path.join(cache.dir, ENTRIES_DIR, pythonKey(file), path.basename(file));
  }

  beforeAll(async () => {
    store = await createTestStore();
    db = await openDatabase(store.location);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-hot-set-'));
  });

  // Each test counts only the reads it records.
  beforeEach(async () => {
    await db('job_preflight').del();
    await db('jobs').del();
  });

  afterAll(async () => {
    await db?.destroy();
    await store?.drop();
  });

  it('keys files as the Python reader does', async () => {
    const file = writeInput('key.csv', 10);
    const { size, mtimeNs } = await import('node:fs/promises').then((fs) => fs.stat(file, { bigint: true }));

    expect(entryKey(file, size, mtimeNs)).toBe(pythonKey(file));
  });

  it('copies files read by enough Light jobs', async () => {
    const hot = writeInput('hot.csv', 4 * KIB);
    const once = writeInput('once.csv', 4 * KIB);
    const heavyOnly = writeInput('heavy.csv', 4 * KIB);
    await recordLightReads(hot, 3);
    await recordLightReads(once, 1);
    await recordLightReads(heavyOnly, 3, 'H');
    const cache = newCache(100 * KIB);

    await cache.refresh();

    expect(readFileSync(entryFile(cache, hot), 'utf8')).toBe(readFileSync(hot, 'utf8'));
    expect(existsSync(entryFile(cache, once))).toBe(false);
    expect(existsSync(entryFile(cache, heavyOnly))).toBe(false);
    expect(cache.stats().entries).toBe(1);
  });

  it('never serves a copy of a changed file', async () => {
    const file = writeInput('changing.csv', 2 * KIB, 'a');
    await recordLightReads(file, 2);
    const cache = newCache(100 * KIB);
    await cache.refresh();
    const oldCopy = entryFile(cache, file);
    expect(readThroughPython(cache.dir, [file])).toEqual([oldCopy]);

    // Same size, new content: only the modification time distinguishes the versions.
    writeFileSync(file, 'b'.repeat(2 * KIB));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(readThroughPython(cache.dir, [file])).toEqual([file]);

    await cache.refresh();
    expect(existsSync(oldCopy)).toBe(false);
    expect(readFileSync(entryFile(cache, file), 'utf8')).toBe('b'.repeat(2 * KIB));
  });

  it('evicts the least recently used copy to fit', async () => {
    // Copies made in one refresh tie on recency and are then evicted in key order. The copy
    // that would go first in that order is the one read later, so only recency can keep it.
    const [read, unread] = [writeInput('first.csv', 4 * KIB), writeInput('second.csv', 4 * KIB)].sort((a, b) => pythonKey(a).localeCompare(pythonKey(b)));
    await recordLightReads(read as string, 2);
    await recordLightReads(unread as string, 2);
    // Room for two of the three files.
    const cache = newCache(9 * KIB);
    await cache.refresh();
    expect(cache.stats().entries).toBe(2);

    readThroughPython(cache.dir, [read as string]);
    await cache.refresh();
    // Both fall out of the hot set, so neither is kept for its read count; a new file needs room.
    await db('job_preflight').del();
    const third = writeInput('third.csv', 4 * KIB);
    await recordLightReads(third, 2);
    await cache.refresh();

    expect(existsSync(entryFile(cache, read as string))).toBe(true);
    expect(existsSync(entryFile(cache, third))).toBe(true);
    expect(existsSync(entryFile(cache, unread as string))).toBe(false);
    expect(cache.stats().bytes).toBe(8 * KIB);
  });

  it('counts hits and misses of job reads', async () => {
    const cached = writeInput('counted.csv', KIB);
    const uncached = writeInput('not-counted.csv', KIB);
    await recordLightReads(cached, 2);
    const cache = newCache(100 * KIB);
    await cache.refresh();

    readThroughPython(cache.dir, [cached, cached, cached, uncached]);
    // The log a refresh moves aside is counted at the next refresh.
    await cache.refresh();
    await cache.refresh();

    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, hit_rate: 0.75 });
  });
});

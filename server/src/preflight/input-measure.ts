import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { INPUT_FORMATS } from '../contract/job-spec.js';

export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Filesystem measurement of one input. */
export interface MeasuredInput {
  /** The path as the job spec or the code wrote it. */
  path: string;
  /** Resolved absolute path; null for a table, a URL or a path computed at run time. */
  resolved: string | null;
  origin: 'declared' | 'discovered';
  exists: boolean;
  bytes: number | null;
  format: InputFormat | null;
  /** Data files read: 1 for a file, the data files under a directory. */
  files: number | null;
  /** Hive-style `key=value` directories under a directory; 0 for a file. */
  partitionDirs: number | null;
  /** Reason the input was not measured, or null when it was. */
  note: string | null;
}

/** A bound on the directory walk, so a data lake root cannot stall pre-flight. */
const MAX_ENTRIES = 100_000;

const EXTENSION_FORMATS: Record<string, InputFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
  '.orc': 'orc',
  '.avro': 'avro',
  '.txt': 'text',
  '.log': 'text',
};

const COMPRESSION_SUFFIXES = new Set(['.gz', '.bz2', '.zst', '.xz', '.snappy', '.lz4']);

/** Maps a file name to a format by its extension, looking through a compression suffix (`a.csv.gz`). */
export function formatOfFile(name: string): InputFormat {
  let extension = path.extname(name).toLowerCase();
  if (COMPRESSION_SUFFIXES.has(extension)) extension = path.extname(name.slice(0, -extension.length)).toLowerCase();
  return EXTENSION_FORMATS[extension] ?? 'other';
}

/** Resolves `location` against the notebook's folder; null when it is relative and there is no folder. */
export function resolveInputPath(location: string, baseDir: string | null): string | null {
  if (location.startsWith('file://')) return location.slice('file://'.length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return null;
  if (path.isAbsolute(location)) return path.normalize(location);
  return baseDir === null ? null : path.resolve(baseDir, location);
}

/** Returns the record of an input before anything is known of it. */
export function unmeasuredInput(location: string, origin: MeasuredInput['origin']): MeasuredInput {
  return {
    path: location,
    resolved: null,
    origin,
    exists: false,
    bytes: null,
    format: null,
    files: null,
    partitionDirs: null,
    note: null,
  };
}

/** Measures one input: bytes, format and file counts of a file or a directory tree. */
export async function measureInput(
  location: string,
  origin: MeasuredInput['origin'],
  baseDir: string | null,
): Promise<MeasuredInput> {
  const base = unmeasuredInput(location, origin);
  const resolved = resolveInputPath(location, baseDir);
  if (resolved === null) {
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
    return {
      ...base,
      note: remote
        ? 'remote location; only local paths are measured'
        : 'relative path and the source has no folder; submit it with source.path to measure it',
    };
  }

  const info = await stat(resolved).catch(() => null);
  if (info === null) return { ...base, resolved, note: 'not found on the scheduler machine' };
  if (info.isFile()) {
    return { ...base, resolved, exists: true, bytes: info.size, format: formatOfFile(resolved), files: 1, partitionDirs: 0 };
  }
  const tree = await walkDataDirectory(resolved);
  return {
    ...base,
    resolved,
    exists: true,
    bytes: tree.bytes,
    format: tree.format,
    files: tree.files,
    partitionDirs: tree.partitionDirs,
    note: tree.truncated ? `stopped after ${MAX_ENTRIES} entries; the sizes are lower bounds` : null,
  };
}

interface DirectoryTree {
  bytes: number;
  files: number;
  partitionDirs: number;
  format: InputFormat;
  truncated: boolean;
}

/**
 * Sums the data files under a directory. Names starting with `_` or `.` are Spark and Hadoop
 * bookkeeping (`_SUCCESS`, `.crc`, `_delta_log`), so they are not data files. A `_delta_log`
 * directory marks a Delta table.
 */
async function walkDataDirectory(root: string): Promise<DirectoryTree> {
  const tree: DirectoryTree = { bytes: 0, files: 0, partitionDirs: 0, format: 'other', truncated: false };
  const formatCounts = new Map<InputFormat, number>();
  let isDelta = false;
  let seen = 0;
  const pending = [root];

  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      seen += 1;
      if (seen > MAX_ENTRIES) {
        tree.truncated = true;
        pending.length = 0;
        break;
      }
      if (entry.name === '_delta_log') isDelta = true;
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (/^[^=]+=[^=]*$/.test(entry.name)) tree.partitionDirs += 1;
        pending.push(full);
      } else if (entry.isFile()) {
        const size = (await stat(full).catch(() => null))?.size ?? 0;
        tree.bytes += size;
        tree.files += 1;
        const format = formatOfFile(entry.name);
        formatCounts.set(format, (formatCounts.get(format) ?? 0) + 1);
      }
    }
  }

  const majority = [...formatCounts.entries()].sort((a, b) => b[1] - a[1])[0];
  tree.format = isDelta ? 'delta' : (majority?.[0] ?? 'other');
  return tree;
}

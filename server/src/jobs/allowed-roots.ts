import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from './errors.js';

/**
 * Return the folders whose files the scheduler may read for a submission that sends a path without
 * content: DOFC_ALLOWED_ROOTS, a list of absolute folders joined by the platform's path
 * delimiter (":" on Linux), or the scheduler's current folder when it is unset. scripts/start.sh
 * starts the scheduler in the folder Jupyter serves, so by default that is the one root.
 */
export function allowedRoots(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string[] {
  const raw = env['DOFC_ALLOWED_ROOTS'];
  if (raw === undefined || raw.trim() === '') return [cwd];
  const roots = raw.split(path.delimiter).filter((root) => root !== '');
  for (const root of roots) {
    if (!path.isAbsolute(root)) {
      throw new Error(`DOFC_ALLOWED_ROOTS contains the relative folder ${JSON.stringify(root)}; list absolute folders separated by "${path.delimiter}".`);
    }
  }
  return roots;
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** Resolve a root through its symlinks; a root that does not exist keeps its lexical form. */
async function resolveRoot(root: string): Promise<string> {
  return realpath(root).catch(() => path.resolve(root));
}

/**
 * Resolve `file` with realpath, so `..` segments and symlinks are followed, and check that the
 * result lies inside one of `roots`. Returns the resolved path to read. Throws a 400 for a path
 * outside the roots, and for a missing file inside them; a missing file outside the roots gets
 * the same response as an existing one, so the check does not reveal which files exist.
 */
export async function resolveInsideRoots(file: string, roots: readonly string[]): Promise<string> {
  const resolvedRoots = await Promise.all(roots.map(resolveRoot));
  const real = await realpath(file).catch(() => null);
  const checked = real ?? path.resolve(file);

  if (!resolvedRoots.some((root) => isInside(checked, root))) {
    throw new InvalidInputError(
      'source_path_outside_roots',
      `source.path "${file}" resolves to "${checked}", outside the folders the scheduler may read (${resolvedRoots.join(', ')}); submit a file inside them, send its content inline, or ask an admin to add its folder to DOFC_ALLOWED_ROOTS.`,
      'source.path',
    );
  }
  if (real === null) {
    throw new InvalidInputError(
      'source_not_found',
      `source.path "${file}" is not a file on the scheduler's machine; check the path or send the content inline.`,
      'source.path',
    );
  }
  return real;
}

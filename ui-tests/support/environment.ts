import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, two folders above this file. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where global set-up records the processes and URLs it started, for the tests and the teardown. */
export const STATE_FILE = path.join(os.tmpdir(), `dofc-ui-tests-${process.env['USER'] ?? 'user'}.json`);

/** What the tests need to reach the servers that global set-up started. */
export interface TestEnvironment {
  schedulerUrl: string;
  jupyterUrl: string;
  token: string;
  notebookRoot: string;
  pids: number[];
  tempDirs: string[];
}

export function readEnvironment(): TestEnvironment {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TestEnvironment;
}

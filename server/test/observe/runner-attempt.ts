import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { RunnerResult } from '../../src/executors/executor.js';

export interface RunnerAttempt {
  attemptDir: string;
  logFile: string;
  result: RunnerResult | null;
  exit: { code: number | null; signal: string | null };
}

/** Build the notebook JSON of code cells, as the runner reads it from source.ipynb. */
export function notebookOf(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((source, index) => ({ id: `c${index}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
  });
}

/**
 * Run the real job runner on one attempt folder, as the local executor does: its stdout and
 * stderr go to log.txt, and its spec.json uses the same fields.
 */
export async function runRunnerAttempt(
  kind: 'notebook' | 'script',
  source: string,
  env: Record<string, string> = {},
): Promise<RunnerAttempt> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dofc-runner-attempt-'));
  const attemptDir = path.join(root, 'job', 'attempt-1');
  const workdir = path.join(root, 'work');
  mkdirSync(attemptDir, { recursive: true });
  mkdirSync(workdir);
  const sourceFile = kind === 'notebook' ? 'source.ipynb' : 'source.py';
  writeFileSync(path.join(attemptDir, sourceFile), source);
  const spec = { job_id: 1, attempt: 1, kind, source_file: sourceFile, workdir, setup_cells: [], parameters: {} };
  writeFileSync(path.join(attemptDir, 'spec.json'), JSON.stringify(spec));

  const logFile = path.join(attemptDir, 'log.txt');
  const logFd = openSync(logFile, 'a');
  const child = spawn(loadConfig({}).python, ['-m', 'dofc.runner', attemptDir], {
    cwd: attemptDir,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, PYTHONUNBUFFERED: '1', ...env },
  });
  closeSync(logFd);
  const exit = await new Promise<RunnerAttempt['exit']>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let result: RunnerResult | null = null;
  try {
    result = JSON.parse(readFileSync(path.join(attemptDir, 'result.json'), 'utf8')) as RunnerResult;
  } catch {
    // A runner that was killed leaves no result, which the caller checks.
  }
  return { attemptDir, logFile, result, exit };
}

import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { signalGroup } from '../executors/local/process-liveness.js';

const execFileAsync = promisify(execFile);

/** The work of one sample run: the job's code, its folder, and the inputs to sample. */
export interface SamplePlan {
  kind: 'notebook' | 'cell' | 'script';
  content: string;
  setupCells: string[];
  workdir: string;
  /** Absolute paths or glob patterns of the inputs to sample in a shadow folder. */
  inputs: string[];
  /** Absolute paths the code writes; they are left out of the shadow folder. */
  outputs: string[];
  /** The code calls `dofc.read`, which samples by itself when DOFC_SAMPLE_FRACTION is set. */
  usesDofcRead: boolean;
}

/** One finished sample run, in the units the analysis shows. */
export interface SampleRunRecord {
  fraction: number;
  /** Share of the full input the run read: sampled bytes over input bytes, or the fraction for `dofc.read`. */
  input_share: number;
  input_bytes: number;
  sample_bytes: number;
  outcome: 'succeeded' | 'failed' | 'timed_out';
  message: string;
  wall_s: number | null;
  cpu_s: number | null;
  max_rss_bytes: number | null;
  cells_s: number[];
  /** The kernel's CPU time in each code cell, seconds; null when the runner could not read it (a script, a warm kernel). */
  cells_cpu_s: number[] | null;
  /**
   * Shuffle bytes that the run's Spark applications read and wrote, from Spark's monitoring API.
   * They are null for a run without Spark or when they could not be read, and absent in records
   * saved before the runner reported them.
   */
  shuffle_read_bytes?: number | null;
  shuffle_write_bytes?: number | null;
  /** Reason a Spark run's shuffle bytes are missing (the UI disabled or unreachable), or null. */
  shuffle_error?: string | null;
}

export interface SampleRunOptions {
  python: string;
  repoRoot: string;
  timeoutMs: number;
}

interface ShadowDescription {
  workdir: string;
  input_bytes: number;
  sample_bytes: number;
  files: Array<{ path: string; bytes: number; sample_bytes: number; records: number }>;
}

/**
 * Runs the job once on `fraction` of its inputs: builds a shadow working folder with
 * `python -m dofc.preflight_shadow`, then runs `python -m dofc.runner` on it with
 * `sample_fraction` in spec.json, killing the runner's process group at the time cap.
 * Everything is written under a temporary folder that is removed afterwards.
 */
export async function runSample(plan: SamplePlan, fraction: number, options: SampleRunOptions): Promise<SampleRunRecord> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'dofc-sample-'));
  try {
    const shadow = plan.inputs.length > 0 ? await buildShadow(plan, fraction, path.join(scratch, 'shadow'), options) : null;
    const attemptDir = path.join(scratch, 'attempt');
    await writeAttempt(plan, fraction, shadow?.workdir ?? plan.workdir, attemptDir);

    const exit = await runRunner(attemptDir, options);
    return await readRecord(attemptDir, fraction, shadow, exit, options);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Lists the files a sample run would sample and their total bytes, without building anything. */
export async function measureSampledInputs(
  plan: SamplePlan,
  options: SampleRunOptions,
): Promise<{ files: Array<{ path: string; bytes: number }>; input_bytes: number }> {
  const args = ['-m', 'dofc.preflight_shadow', '--workdir', plan.workdir, '--fraction', '1', '--target', plan.workdir, '--measure-only'];
  for (const input of plan.inputs) args.push('--input', input);
  const { stdout } = await execFileAsync(options.python, args, { cwd: options.repoRoot, timeout: options.timeoutMs, env: pythonEnv(options.repoRoot) });
  return JSON.parse(stdout) as { files: Array<{ path: string; bytes: number }>; input_bytes: number };
}

async function buildShadow(plan: SamplePlan, fraction: number, target: string, options: SampleRunOptions): Promise<ShadowDescription> {
  const args = ['-m', 'dofc.preflight_shadow', '--workdir', plan.workdir, '--fraction', String(fraction), '--target', target];
  for (const input of plan.inputs) args.push('--input', input);
  for (const output of plan.outputs) args.push('--output', output);
  const { stdout } = await execFileAsync(options.python, args, {
    cwd: options.repoRoot,
    timeout: options.timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
    env: pythonEnv(options.repoRoot),
  });
  return JSON.parse(stdout) as ShadowDescription;
}

/** Source file names in an attempt folder, as the local executor writes them. */
const SOURCE_FILES: Record<SamplePlan['kind'], string> = { notebook: 'source.ipynb', cell: 'source-cell.py', script: 'source.py' };

async function writeAttempt(plan: SamplePlan, fraction: number, workdir: string, attemptDir: string): Promise<void> {
  await mkdir(attemptDir, { recursive: true });
  const sourceFile = SOURCE_FILES[plan.kind];
  await writeFile(path.join(attemptDir, sourceFile), plan.content, 'utf8');
  const spec = {
    job_id: 0,
    attempt: 0,
    kind: plan.kind,
    source_file: sourceFile,
    workdir,
    setup_cells: plan.setupCells,
    parameters: {},
    sample_fraction: fraction,
  };
  await writeFile(path.join(attemptDir, 'spec.json'), JSON.stringify(spec, null, 2), 'utf8');
}

type RunnerExit = { timedOut: boolean; code: number | null; signal: NodeJS.Signals | null };

async function runRunner(attemptDir: string, options: SampleRunOptions): Promise<RunnerExit> {
  const logFd = openSync(path.join(attemptDir, 'log.txt'), 'a');
  const child = (() => {
    try {
      // Its own process group, so the time cap also stops the kernel the runner started.
      return spawn(options.python, ['-m', 'dofc.runner', attemptDir], {
        cwd: attemptDir,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...pythonEnv(options.repoRoot), PYTHONUNBUFFERED: '1' },
      });
    } finally {
      closeSync(logFd);
    }
  })();

  return new Promise<RunnerExit>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start the sample run with ${options.python}: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // The kernel may outlive a runner that was killed; the group signal reaches it too.
      if (timedOut && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve({ timedOut, code, signal });
    });
  });
}

async function readRecord(
  attemptDir: string,
  fraction: number,
  shadow: ShadowDescription | null,
  exit: RunnerExit,
  options: SampleRunOptions,
): Promise<SampleRunRecord> {
  const inputBytes = shadow?.input_bytes ?? 0;
  const sampleBytes = shadow?.sample_bytes ?? 0;
  const base = {
    fraction,
    input_share: shadow !== null && inputBytes > 0 ? sampleBytes / inputBytes : fraction,
    input_bytes: inputBytes,
    sample_bytes: sampleBytes,
    ...(await readCellTimes(attemptDir)),
  };
  if (exit.timedOut) {
    return {
      ...base,
      outcome: 'timed_out',
      message: `the sample run on ${formatShare(fraction)} of the inputs passed its ${options.timeoutMs / 1000} s cap (DOFC_SAMPLE_TIMEOUT_S)`,
      wall_s: options.timeoutMs / 1000,
      cpu_s: null,
      max_rss_bytes: null,
    };
  }

  const text = await readFile(path.join(attemptDir, 'result.json'), 'utf8').catch(() => null);
  const result = text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  if (result === null) {
    return {
      ...base,
      outcome: 'failed',
      message: `the sample runner exited with code ${exit.code ?? exit.signal} and wrote no result.json`,
      wall_s: null,
      cpu_s: null,
      max_rss_bytes: null,
    };
  }
  const shuffle = (result['spark_shuffle'] ?? null) as Record<string, unknown> | null;
  return {
    ...base,
    outcome: result['outcome'] === 'succeeded' ? 'succeeded' : 'failed',
    message: String(result['message'] ?? ''),
    wall_s: numberOrNull(result['duration_s']),
    cpu_s: numberOrNull(result['cpu_s']),
    max_rss_bytes: numberOrNull(result['max_rss_bytes']),
    shuffle_read_bytes: numberOrNull(shuffle?.['shuffle_read_bytes']),
    shuffle_write_bytes: numberOrNull(shuffle?.['shuffle_write_bytes']),
    shuffle_error: shuffleError(shuffle),
  };
}

/** Reads the runner's `cell` events: each code cell's wall time and kernel CPU time, in order. */
async function readCellTimes(attemptDir: string): Promise<Pick<SampleRunRecord, 'cells_s' | 'cells_cpu_s'>> {
  const text = await readFile(path.join(attemptDir, 'events.jsonl'), 'utf8').catch(() => '');
  const wall: number[] = [];
  const cpu: number[] = [];
  let cpuComplete = true;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as { event?: string; cell?: number; duration_s?: number; cpu_s?: number };
    if (event.event !== 'cell' || typeof event.cell !== 'number' || typeof event.duration_s !== 'number') continue;
    wall[event.cell - 1] = event.duration_s;
    if (typeof event.cpu_s === 'number') cpu[event.cell - 1] = event.cpu_s;
    else cpuComplete = false;
  }
  // nbclient skips empty code cells without calling the hook, which leaves holes; they took no time.
  const cells_s = Array.from(wall, (seconds) => seconds ?? 0);
  const cells_cpu_s = cpuComplete && cells_s.length > 0 ? Array.from({ length: cells_s.length }, (_, i) => cpu[i] ?? 0) : null;
  return { cells_s, cells_cpu_s };
}

function pythonEnv(repoRoot: string): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [repoRoot, process.env['PYTHONPATH']].filter(Boolean).join(path.delimiter) };
}

/** Returns the runner's error, or the errors of the applications whose stages could not be read. */
function shuffleError(shuffle: Record<string, unknown> | null): string | null {
  if (shuffle === null) return null;
  if (typeof shuffle['error'] === 'string') return shuffle['error'];
  const applications = Array.isArray(shuffle['applications']) ? (shuffle['applications'] as Array<Record<string, unknown>>) : [];
  const errors = applications.flatMap((application) =>
    typeof application['error'] === 'string' ? [`${String(application['application_id'])}: ${application['error']}`] : [],
  );
  return errors.length === 0 ? null : errors.join('; ');
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Formats a share such as 0.005 as "0.5%". */
export function formatShare(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

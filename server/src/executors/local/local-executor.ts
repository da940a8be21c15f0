import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import type { AttemptHandle, AttemptLaunch, AttemptStatus, Executor, FenceResult } from '../executor.js';
import {
  ATTEMPT_FILES,
  createFenceMarker,
  readLatestProgress,
  readRunnerResult,
  readStartedPid,
} from './attempt-files.js';
import { checkpointDir, readCheckpointEvents } from './checkpoint-events.js';
import { requestRunnerPause } from './pause-request.js';
import { isRunnerAlive, signalGroup } from './process-liveness.js';
import { warmSpecFields, type WarmLaunchOptions } from './warm-spec.js';

export interface LocalExecutorOptions extends WarmLaunchOptions {
  /** Folder under which each job gets `<jobId>/attempt-<n>/`. */
  jobsDir: string;
  /** Interpreter with the `dofc` package and the kernel's libraries installed. */
  python: string;
  logger: Logger;
}

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/**
 * Runs each attempt as `python -m dofc.runner ATTEMPT_DIR` in its own process group, with its
 * output going to a log file. The runner outlives a scheduler that is killed, and a restarted
 * scheduler finds it again through the files in the attempt folder.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  private readonly children = new Map<string, { child: ChildProcess; exit: ExitInfo | null }>();

  constructor(private readonly options: LocalExecutorOptions) {}

  attemptDir(jobId: number, attempt: number): string {
    return path.join(this.options.jobsDir, String(jobId), `attempt-${attempt}`);
  }

  async prepare(launch: AttemptLaunch): Promise<AttemptHandle> {
    const jobDir = path.join(this.options.jobsDir, String(launch.jobId));
    const attemptDir = this.attemptDir(launch.jobId, launch.attempt);
    await mkdir(attemptDir, { recursive: true });

    // An inline source with no file behind it runs in a folder of its own.
    const workdir = launch.sourcePath !== null ? path.dirname(launch.sourcePath) : path.join(jobDir, 'work');
    if (launch.sourcePath === null) await mkdir(workdir, { recursive: true });

    // Owner-only, because the runner loads stages from here only when no one else can write them.
    const checkpoints = checkpointDir(this.options.jobsDir, launch.jobId);
    await mkdir(checkpoints, { recursive: true, mode: 0o700 });

    const sourceFile = launch.kind === 'notebook' ? 'source.ipynb' : launch.kind === 'cell' ? 'source-cell.py' : 'source.py';
    await writeFile(path.join(attemptDir, sourceFile), launch.sourceText, 'utf8');
    const spec = {
      job_id: launch.jobId,
      attempt: launch.attempt,
      kind: launch.kind,
      source_file: sourceFile,
      workdir,
      setup_cells: launch.setupCells,
      parameters: launch.parameters,
      checkpoint_dir: checkpoints,
      ...warmSpecFields(launch, this.options),
    };
    await writeFile(path.join(attemptDir, ATTEMPT_FILES.spec), JSON.stringify(spec, null, 2), 'utf8');
    return { jobId: launch.jobId, attempt: launch.attempt, attemptDir, pid: null };
  }

  async start(handle: AttemptHandle): Promise<number> {
    const logFd = openSync(path.join(handle.attemptDir, ATTEMPT_FILES.log), 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.options.python, ['-m', 'dofc.runner', handle.attemptDir], {
        cwd: handle.attemptDir,
        // Its own process group, so cancel reaches the kernel too and a killed scheduler leaves it running.
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      });
    } finally {
      closeSync(logFd);
    }

    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (error) =>
        reject(new Error(`Could not start the job runner with ${this.options.python}: ${error.message}. Set DOFC_PYTHON to an interpreter that has the dofc package installed.`)),
      );
    });
    const entry = { child, exit: null as ExitInfo | null };
    child.once('exit', (code, signal) => {
      entry.exit = { code, signal };
    });
    child.unref();
    this.children.set(handle.attemptDir, entry);
    this.options.logger.debug({ jobId: handle.jobId, attempt: handle.attempt, pid }, 'runner started');
    return pid;
  }

  async inspect(handle: AttemptHandle): Promise<AttemptStatus> {
    const progress = await readLatestProgress(handle.attemptDir);
    const entry = this.children.get(handle.attemptDir);
    const result = await readRunnerResult(handle.attemptDir);

    if (entry !== undefined) {
      // The result is the runner's last write, but the process (and its kernel) may still be exiting.
      if (entry.exit === null) return { kind: 'running', progress, checkpoints: await readCheckpointEvents(handle.attemptDir) };
      this.children.delete(handle.attemptDir);
      return {
        kind: 'ended',
        result: result ?? (await readRunnerResult(handle.attemptDir)),
        exit: entry.exit,
        progress,
        checkpoints: await readCheckpointEvents(handle.attemptDir),
      };
    }

    // Re-attached after a restart: the runner is not our child, so look at the process table.
    const pid = handle.pid ?? (await readStartedPid(handle.attemptDir));
    const checkpoints = await readCheckpointEvents(handle.attemptDir);
    if (pid !== null && isRunnerAlive(pid, handle.attemptDir)) return { kind: 'running', progress, checkpoints };
    return { kind: 'ended', result, exit: null, progress, checkpoints };
  }

  async requestPause(handle: AttemptHandle): Promise<void> {
    const pid = await requestRunnerPause(handle.attemptDir);
    this.options.logger.info({ jobId: handle.jobId, attempt: handle.attempt, pid }, pid === null ? 'pause requested; no live runner to signal' : 'pause requested');
  }

  terminate(handle: AttemptHandle, graceMs: number): void {
    const pid = handle.pid;
    if (pid === null) return;
    this.options.logger.info({ jobId: handle.jobId, attempt: handle.attempt, pid }, 'stopping runner');
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    timer.unref();
  }

  async fence(handle: AttemptHandle): Promise<FenceResult> {
    await mkdir(handle.attemptDir, { recursive: true });
    if (createFenceMarker(handle.attemptDir)) return { kind: 'fenced' };
    return { kind: 'runner_started', pid: await readStartedPid(handle.attemptDir) };
  }

  logPath(handle: Pick<AttemptHandle, 'attemptDir'>): string {
    return path.join(handle.attemptDir, ATTEMPT_FILES.log);
  }

  outputPath(handle: Pick<AttemptHandle, 'attemptDir'>): string {
    return path.join(handle.attemptDir, ATTEMPT_FILES.output);
  }
}

import type { Progress } from '../contract/job-view.js';

/** The inputs an executor needs to start one attempt of a job. */
export interface AttemptLaunch {
  jobId: number;
  attempt: number;
  kind: 'notebook' | 'cell' | 'script';
  sourceText: string;
  /** The file the source came from; its folder is the working directory. */
  sourcePath: string | null;
  setupCells: string[];
  parameters: Record<string, unknown>;
  /** Resources the policy admitted the job with, which cluster executors turn into their own ceilings. */
  allocation?: AttemptAllocation;
}

/** A job's resource ceiling and pool, as its JobSpec states them. */
export interface AttemptAllocation {
  pool: string;
  maxExecutors: number;
  coresPerExecutor: number;
  memPerExecutorGb: number;
}

/** One attempt as the executor tracks it; `pid` is null until the runner is spawned. */
export interface AttemptHandle {
  jobId: number;
  attempt: number;
  attemptDir: string;
  pid: number | null;
}

/** The runner's own account of its end, from result.json. */
export interface RunnerResult {
  outcome: 'succeeded' | 'failed';
  code?: string;
  message: string;
  failed_cell?: {
    index: number;
    code_cell_number: number;
    ename: string;
    evalue: string;
    source_head: string;
  };
  duration_s?: number;
}

export type AttemptStatus =
  | { kind: 'running'; progress: Progress | null }
  | {
      kind: 'ended';
      result: RunnerResult | null;
      /** Exit code or signal when the executor saw the exit; null after a restart. */
      exit: { code: number | null; signal: NodeJS.Signals | null } | null;
      progress: Progress | null;
    };

/** The fence a recovering scheduler takes on an attempt whose runner may not have begun. */
export type FenceResult = { kind: 'fenced' } | { kind: 'runner_started'; pid: number | null };

/**
 * Runs attempts. The local executor runs them as processes on this machine; the scheduler talks
 * to every executor through this interface only.
 */
export interface Executor {
  readonly name: string;
  /** The folder of an attempt, known before it is prepared so a claim can record it. */
  attemptDir(jobId: number, attempt: number): string;
  /** Write the attempt's folder: its spec and a snapshot of its source. */
  prepare(launch: AttemptLaunch): Promise<AttemptHandle>;
  /** Start the runner and return its pid. */
  start(handle: AttemptHandle): Promise<number>;
  /** Report whether the attempt still runs, or how it ended. */
  inspect(handle: AttemptHandle): Promise<AttemptStatus>;
  /** Ask the runner to stop, and kill it after the grace period. */
  terminate(handle: AttemptHandle, graceMs: number): void;
  /** After a restart: make sure a runner that has not begun never will, or learn that it began. */
  fence(handle: AttemptHandle): Promise<FenceResult>;
  /** Paths of files the API serves: the log and the executed notebook. */
  logPath(handle: Pick<AttemptHandle, 'attemptDir'>): string;
  outputPath(handle: Pick<AttemptHandle, 'attemptDir'>): string;
}

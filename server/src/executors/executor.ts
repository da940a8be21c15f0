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

/** The class of an attempt's failure, as the runner determined it (dofc/runner/failures.py). */
export type FailureClass = 'user_code' | 'out_of_memory' | 'executor_lost' | 'infrastructure' | 'timeout' | 'preempted';

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
  /** `paused` means the runner stopped at a cell or checkpoint boundary because a pause was requested. */
  outcome: 'succeeded' | 'failed' | 'paused';
  code?: string;
  message: string;
  /** Present when the outcome is `failed` or `paused`; runners older than this field leave it out. */
  failure_class?: FailureClass;
  failed_cell?: {
    index: number;
    code_cell_number: number;
    ename: string;
    evalue: string;
    source_head: string;
  };
  duration_s?: number;
  /** ISO 8601 time the runner ended, or where an older runner left it out, the time result.json was written. */
  ended_at?: string;
}

/** One save or load of a `dofc.checkpoint` stage, as the runner appended it to events.jsonl. */
export interface CheckpointEvent {
  stage: string;
  action: 'saved' | 'loaded';
  /** Size of the stored stage on disk. */
  bytes: number;
  /** Seconds the save or load took inside the kernel. */
  duration_s: number;
  /** ISO 8601 time of the save or load. */
  at: string;
}

export type AttemptStatus =
  | { kind: 'running'; progress: Progress | null; checkpoints: CheckpointEvent[] }
  | {
      kind: 'ended';
      result: RunnerResult | null;
      /** Exit code or signal when the executor saw the exit; null after a restart. */
      exit: { code: number | null; signal: NodeJS.Signals | null } | null;
      progress: Progress | null;
      /** Every checkpoint event of the attempt so far, oldest first. */
      checkpoints: CheckpointEvent[];
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
  /**
   * Ask the runner to pause: write `pause_requested` in the attempt folder, then send SIGUSR1.
   * The runner stops at the next cell or checkpoint boundary with outcome `paused`. A cell that
   * never reaches a boundary keeps running; the caller decides when to `terminate` it.
   */
  requestPause(handle: AttemptHandle): Promise<void>;
  /** Ask the runner to stop, and kill it after the grace period. */
  terminate(handle: AttemptHandle, graceMs: number): void;
  /** After a restart: make sure a runner that has not begun never will, or learn that it began. */
  fence(handle: AttemptHandle): Promise<FenceResult>;
  /** Paths of files the API serves: the log and the executed notebook. */
  logPath(handle: Pick<AttemptHandle, 'attemptDir'>): string;
  outputPath(handle: Pick<AttemptHandle, 'attemptDir'>): string;
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AttemptHandle, AttemptStatus, RunnerResult } from '../../src/executors/executor.js';
import type { LocalExecutor } from '../../src/executors/local/local-executor.js';

/**
 * Checkpoint trials: a script with `stages` checkpointed stages runs through the real local
 * executor and runner. While a stage computes, the runner is either SIGKILLed (`kill`) or asked
 * to pause (`pause`). Then a second attempt runs, as the scheduler's retry or resume would start
 * it. Each stage's compute function appends the stage name to a log in the job's working
 * folder, so the trial can count how often every stage was computed across both attempts.
 */

export type FaultKind = 'kill' | 'pause';

export interface CheckpointTrialOptions {
  executor: LocalExecutor;
  jobId: number;
  fault: FaultKind;
  stages: number;
  stageSeconds: number;
  random: () => number;
}

export interface CheckpointTrial {
  jobId: number;
  fault: FaultKind;
  /** False when the first attempt ended before the fault reached it; such a trial proves nothing. */
  faulted: boolean;
  firstOutcome: RunnerResult['outcome'] | 'killed' | null;
  /** Stages the first attempt saved before it ended. */
  savedBefore: string[];
  /** Stages the second attempt loaded from the checkpoint folder. */
  loadedAfter: string[];
  secondOutcome: RunnerResult['outcome'] | null;
  /** Stages saved by the first attempt that were computed again: work a checkpoint should have kept. */
  recomputedSaved: string[];
  /** Stages computed more than once in all: with a pause, where the stage in flight is saved, this should be none. */
  computedTwice: string[];
}

const STAGE_LOG = 'computed.txt';

/** Returns Python whose stages append their names to the stage log, sleep, and return a JSON value. */
export function checkpointedScript(stages: number, stageSeconds: number): string {
  return [
    'import time',
    'import dofc',
    '',
    'def compute(name):',
    `    with open(${JSON.stringify(STAGE_LOG)}, "a", encoding="utf-8") as log:`,
    '        log.write(name + "\\n")',
    `    time.sleep(${stageSeconds})`,
    '    return {"stage": name}',
    '',
    `for index in range(${stages}):`,
    '    name = f"stage-{index}"',
    '    dofc.checkpoint(name, lambda: compute(name))',
    'print("all stages done")',
  ].join('\n');
}

/** Runs one trial: first attempt, the fault in a random stage, then the second attempt. */
export async function runCheckpointTrial(options: CheckpointTrialOptions): Promise<CheckpointTrial> {
  const { executor, jobId, fault, stages, stageSeconds, random } = options;
  const script = checkpointedScript(stages, stageSeconds);

  const first = await launch(executor, jobId, 1, script);
  // The fault lands inside a stage, after a random number of saved stages and never in the last one.
  const savedTarget = Math.floor(random() * (stages - 1));
  const faulted = await waitForSavedStages(executor, first, savedTarget);
  if (faulted) {
    await sleep(random() * stageSeconds * 700);
    if (fault === 'kill') killGroup(first.pid as number);
    else await executor.requestPause(first);
  }
  const firstEnd = await waitForEnd(executor, first, 60_000);
  const savedBefore = stagesWith(firstEnd, 'saved');

  const second = await launch(executor, jobId, 2, script);
  const secondEnd = await waitForEnd(executor, second, 60_000);

  const counts = computedCounts(path.join(executor.attemptDir(jobId, 1), '..', 'work', STAGE_LOG));
  return {
    jobId,
    fault,
    faulted: faulted && firstEnd.result?.outcome !== 'succeeded',
    firstOutcome: firstEnd.result?.outcome ?? (firstEnd.exit?.signal === 'SIGKILL' ? 'killed' : null),
    savedBefore,
    loadedAfter: stagesWith(secondEnd, 'loaded'),
    secondOutcome: secondEnd.result?.outcome ?? null,
    recomputedSaved: savedBefore.filter((stage) => (counts.get(stage) ?? 0) > 1),
    computedTwice: [...counts].filter(([, count]) => count > 1).map(([stage]) => stage),
  };
}

/** Returns whether the second attempt succeeded, loaded every stage the first saved, and computed none of them again. */
export function resumedCleanly(trial: CheckpointTrial): boolean {
  return (
    trial.secondOutcome === 'succeeded' &&
    trial.savedBefore.every((stage) => trial.loadedAfter.includes(stage)) &&
    trial.recomputedSaved.length === 0
  );
}

type Ended = Extract<AttemptStatus, { kind: 'ended' }>;

async function launch(executor: LocalExecutor, jobId: number, attempt: number, script: string): Promise<AttemptHandle> {
  const handle = await executor.prepare({ jobId, attempt, kind: 'script', sourceText: script, sourcePath: null, setupCells: [], parameters: {} });
  const pid = await executor.start(handle);
  return { ...handle, pid };
}

/** Waits until the attempt has saved `count` stages; returns false if it ended first. */
async function waitForSavedStages(executor: LocalExecutor, handle: AttemptHandle, count: number): Promise<boolean> {
  for (;;) {
    const status = await executor.inspect(handle);
    if (status.kind === 'ended') return false;
    const started = existsSync(path.join(handle.attemptDir, 'started'));
    if (started && status.checkpoints.filter((event) => event.action === 'saved').length >= count) return true;
    await sleep(25);
  }
}

async function waitForEnd(executor: LocalExecutor, handle: AttemptHandle, timeoutMs: number): Promise<Ended> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await executor.inspect(handle);
    if (status.kind === 'ended') return status;
    if (Date.now() > deadline) {
      killGroup(handle.pid as number);
      throw new Error(`attempt ${handle.attempt} of trial job ${handle.jobId} still ran after ${timeoutMs} ms; its log is ${path.join(handle.attemptDir, 'log.txt')}`);
    }
    await sleep(50);
  }
}

function stagesWith(status: Ended, action: 'saved' | 'loaded'): string[] {
  return status.checkpoints.filter((event) => event.action === action).map((event) => event.stage);
}

function computedCounts(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(file)) return counts;
  for (const stage of readFileSync(file, 'utf8').split('\n').filter((line) => line !== '')) {
    counts.set(stage, (counts.get(stage) ?? 0) + 1);
  }
  return counts;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    // The group is already gone when the runner ended on its own.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

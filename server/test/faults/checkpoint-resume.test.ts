import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { LocalExecutor } from '../../src/executors/local/local-executor.js';
import { createLogger } from '../../src/logger.js';
import { seededRandom } from '../../src/replay/sequences.js';
import { resumedCleanly, runCheckpointTrial, type CheckpointTrial, type FaultKind } from './checkpoint-trials.js';

// A fresh seed each run varies the fault moments; DOFC_FAULT_SEED replays a failing run.
const SEED = Number(process.env['DOFC_FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const TRIALS_PER_FAULT = 3;

async function runTrials(fault: FaultKind, firstJobId: number): Promise<CheckpointTrial[]> {
  const jobsDir = path.join(mkdtempSync(path.join(os.tmpdir(), `dofc-checkpoint-${fault}-`)), 'jobs');
  const executor = new LocalExecutor({ jobsDir, python: loadConfig({}).python, logger: createLogger('silent') });
  const random = seededRandom(SEED + firstJobId);
  return Promise.all(
    Array.from({ length: TRIALS_PER_FAULT }, (_, index) =>
      runCheckpointTrial({ executor, jobId: firstJobId + index, fault, stages: 4, stageSeconds: 0.6, random }),
    ),
  );
}

describe('checkpointed job after a fault', () => {
  it('resumes after its runner is killed', { timeout: 120_000 }, async () => {
    console.log(`checkpoint kill trials seed ${SEED} (replay with DOFC_FAULT_SEED=${SEED})`);
    const trials = (await runTrials('kill', 1)).filter((trial) => trial.faulted);
    expect(trials.length, 'trials whose runner was killed before it finished').toBeGreaterThan(0);
    for (const trial of trials) {
      expect(trial.firstOutcome, `job ${trial.jobId}`).toBe('killed');
      expect(resumedCleanly(trial), `job ${trial.jobId}: ${JSON.stringify(trial)}`).toBe(true);
    }
  });

  it('loses no stage when paused', { timeout: 120_000 }, async () => {
    console.log(`checkpoint pause trials seed ${SEED} (replay with DOFC_FAULT_SEED=${SEED})`);
    const trials = (await runTrials('pause', 101)).filter((trial) => trial.faulted);
    expect(trials.length, 'trials paused before they finished').toBeGreaterThan(0);
    for (const trial of trials) {
      expect(trial.firstOutcome, `job ${trial.jobId}`).toBe('paused');
      expect(resumedCleanly(trial), `job ${trial.jobId}: ${JSON.stringify(trial)}`).toBe(true);
      expect(trial.computedTwice, `stages job ${trial.jobId} computed twice`).toEqual([]);
    }
  });
});

/**
 * Checkpoint benchmark: runs checkpointed scripts through the real local executor and runner and
 * SIGKILLs the runner (or requests a pause) inside a random stage. A second attempt follows, and
 * the script counts the trials that resumed from their checkpoints without recomputing a saved stage.
 *
 *   cd server && npx tsx bench/fault-checkpoints.ts [--kills 20] [--pauses 100] [--parallel 4] [--seed N]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { LocalExecutor } from '../src/executors/local/local-executor.js';
import { createLogger } from '../src/logger.js';
import { seededRandom } from '../src/replay/sequences.js';
import { resumedCleanly, runCheckpointTrial, type CheckpointTrial, type FaultKind } from '../test/faults/checkpoint-trials.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    pauses: { type: 'string', default: '100' },
    parallel: { type: 'string', default: '4' },
    stages: { type: 'string', default: '4' },
    'stage-seconds': { type: 'string', default: '0.6' },
    seed: { type: 'string' },
  },
});
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
const parallel = Number(values.parallel);
const random = seededRandom(seed);
const jobsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dofc-bench-checkpoints-')), 'jobs');
const executor = new LocalExecutor({ jobsDir, python: loadConfig({}).python, logger: createLogger('silent') });

/** Runs `count` trials of one fault, `parallel` at a time, numbering jobs from `firstJobId`. */
async function runTrials(fault: FaultKind, count: number, firstJobId: number): Promise<CheckpointTrial[]> {
  const trials: CheckpointTrial[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const jobId = firstJobId + next;
      next += 1;
      trials.push(await runCheckpointTrial({ executor, jobId, fault, stages: Number(values.stages), stageSeconds: Number(values['stage-seconds']), random }));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return trials;
}

function summarize(fault: FaultKind, trials: CheckpointTrial[]): Record<string, unknown> {
  const faulted = trials.filter((trial) => trial.faulted);
  const resumed = faulted.filter(resumedCleanly);
  return {
    fault,
    trials: trials.length,
    faulted: faulted.length,
    resumed_cleanly: resumed.length,
    resumed_share: faulted.length === 0 ? null : Math.round((resumed.length / faulted.length) * 1000) / 10,
    saved_stages_before_fault: faulted.reduce((sum, trial) => sum + trial.savedBefore.length, 0),
    saved_stages_recomputed: faulted.reduce((sum, trial) => sum + trial.recomputedSaved.length, 0),
    stages_computed_twice: faulted.reduce((sum, trial) => sum + trial.computedTwice.length, 0),
    failures: faulted.filter((trial) => !resumedCleanly(trial)),
  };
}

const started = performance.now();
console.log(`seed ${seed}`);
const kills = await runTrials('kill', Number(values.kills), 1);
const pauses = await runTrials('pause', Number(values.pauses), 100_001);
console.log(JSON.stringify([summarize('kill', kills), summarize('pause', pauses)], null, 2));
console.log(`duration ${((performance.now() - started) / 1000).toFixed(1)} s`);

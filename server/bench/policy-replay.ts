/**
 * Wall time and metrics of replaying each shared trace under each policy, and the RLScheduler
 * comparison on Lublin. Reads the traces from DOFC_SHARED_DATA (default ../shared/data).
 * Run: npx tsx server/bench/policy-replay.ts [--sequences N]
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DofcPolicyConfigInput } from '../src/policy/config.js';
import { REPLAY_POLICIES, replayTraceFile } from '../src/replay/replay.js';
import { compareSequences } from '../src/replay/sequences.js';
import { parseSwf } from '../src/replay/swf.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = process.env['DOFC_SHARED_DATA'] ?? path.resolve(REPO_ROOT, '../shared/data');
const TRACES = ['KTH-SP2-1996-2.1-cln.swf', 'NASA-iPSC-1993-3.1-cln.swf', 'lublin_256.swf'];

const sequencesFlag = process.argv.indexOf('--sequences');
const sequenceCount = sequencesFlag === -1 ? 100 : Number(process.argv[sequencesFlag + 1]);

/** DOFC with its defaults, and with four heavy jobs per user, closer to how HPC users submit. */
const VARIANTS: { label: string; dofc: DofcPolicyConfigInput }[] = [
  { label: 'dofc', dofc: {} },
  { label: 'dofc (4 heavy per user)', dofc: { heavy: { maxRunningPerUser: 4 } } },
];

console.log(JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load_average: os.loadavg() } }));

for (const trace of TRACES) {
  const file = path.join(SHARED, 'traces', trace);
  if (!existsSync(file)) {
    console.log(JSON.stringify({ trace, skipped: `not found under ${SHARED}; set DOFC_SHARED_DATA` }));
    continue;
  }
  for (const policy of REPLAY_POLICIES) {
    const variants = policy === 'dofc' ? VARIANTS : [{ label: policy, dofc: {} }];
    for (const variant of variants) {
      const report = replayTraceFile(file, { policy, dofc: variant.dofc });
      console.log(JSON.stringify({ variant: variant.label, ...report }));
    }
  }
}

const lublin = path.join(SHARED, 'traces', 'lublin_256.swf');
if (existsSync(lublin)) {
  const started = Date.now();
  const summaries = compareSequences(parseSwf(readFileSync(lublin, 'utf8')), { length: 1024, count: sequenceCount, seed: 1 });
  console.log(JSON.stringify({ rlscheduler_check: summaries, wall_s: (Date.now() - started) / 1000 }));
}

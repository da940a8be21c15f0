/**
 * Times the ETA evaluation of one SWF trace and prints its metrics as one JSON line.
 * Usage: npx tsx bench/eta-eval.ts TRACE.swf ['{"learningRate":0.02}']
 * The optional JSON overrides fields of DEFAULT_ETA_EVAL_OPTIONS, for ablations.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_ETA_EVAL_OPTIONS, evalJobsFromSwf, evaluateEta } from '../src/preflight/eta-eval/replay.js';
import { parseSwf } from '../src/replay/swf.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: npx tsx bench/eta-eval.ts TRACE.swf [OPTIONS_JSON]\n');
  process.exit(2);
}
const { jobs } = evalJobsFromSwf(parseSwf(readFileSync(file, 'utf8')).records);
const started = performance.now();
const result = evaluateEta(jobs, { ...DEFAULT_ETA_EVAL_OPTIONS, ...(JSON.parse(process.argv[3] ?? '{}') as object) });
process.stdout.write(`${JSON.stringify({ ...result, ms: Math.round(performance.now() - started) })}\n`);

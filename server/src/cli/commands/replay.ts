import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PolicyConfigError, type DofcPolicyConfigInput } from '../../policy/config.js';
import type { ReplayReport } from '../../replay/metrics.js';
import { REPLAY_POLICIES, replayTrace, type ReplayPolicyName } from '../../replay/replay.js';
import { compareSequences, type SequenceSummary } from '../../replay/sequences.js';
import { parseSwf, TraceInputError } from '../../replay/swf.js';
import { CliError, EXIT } from '../client.js';

interface ReplayCommandOptions {
  policy: string;
  json?: boolean;
  limit?: string;
  maxHeavyPerUser?: string;
  sequences?: string;
  sequenceLength: string;
  seed: string;
}

/** `dofc replay TRACE`: replays a Standard Workload Format log in virtual time under one policy. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('Replay an SWF workload trace in virtual time and report waits, slowdown, utilization and fairness.')
    .argument('<trace>', 'path of a Standard Workload Format (.swf) file')
    .option('--policy <name>', `scheduling policy: ${REPLAY_POLICIES.join(', ')}`, 'dofc')
    .option('--json', 'print the report as JSON')
    .option('--limit <jobs>', 'replay only the first N jobs of the trace')
    .option('--max-heavy-per-user <n>', 'DOFC only: heavy jobs one user may run at once (default 1)')
    .option('--sequences <count>', 'instead, score FCFS and EASY on COUNT sampled job sequences, as RLScheduler does')
    .option('--sequence-length <jobs>', 'jobs per sampled sequence', '1024')
    .option('--seed <n>', 'seed of the sequence sampling', '1')
    .action((trace: string, options: ReplayCommandOptions) => {
      const text = readTrace(trace);
      if (options.sequences !== undefined) {
        printSequences(runSequences(text, options), options.json === true);
        return;
      }

      const policy = parsePolicy(options.policy);
      const limit = options.limit === undefined ? undefined : positiveInteger('--limit', options.limit);
      const dofc: DofcPolicyConfigInput = {};
      if (options.maxHeavyPerUser !== undefined) {
        dofc.heavy = { maxRunningPerUser: positiveInteger('--max-heavy-per-user', options.maxHeavyPerUser) };
      }
      const report = runReplay(() => replayTrace(text, path.basename(trace), { policy, dofc, ...(limit === undefined ? {} : { limit }) }));
      printReport(report, options.json === true);
    });
}

function readTrace(file: string): string {
  if (!existsSync(file)) {
    throw new CliError(`trace file ${file} not found; give the path of an SWF file such as KTH-SP2-1996-2.1-cln.swf`, EXIT.invalidInput);
  }
  return readFileSync(file, 'utf8');
}

function parsePolicy(value: string): ReplayPolicyName {
  if ((REPLAY_POLICIES as readonly string[]).includes(value)) return value as ReplayPolicyName;
  throw new CliError(`invalid --policy ${JSON.stringify(value)}; use one of ${REPLAY_POLICIES.join(', ')}`, EXIT.invalidInput);
}

function positiveInteger(option: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new CliError(`invalid ${option} ${JSON.stringify(value)}; give a whole number of at least 1`, EXIT.invalidInput);
  }
  return number;
}

/** Turns the input errors of a replay into exit code 2; anything else stays a failure. */
function runReplay<T>(replay: () => T): T {
  try {
    return replay();
  } catch (error) {
    if (error instanceof TraceInputError || error instanceof PolicyConfigError) throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  }
}

function runSequences(text: string, options: ReplayCommandOptions): SequenceSummary[] {
  const count = positiveInteger('--sequences', options.sequences ?? '');
  const length = positiveInteger('--sequence-length', options.sequenceLength);
  const seed = Number(options.seed);
  if (!Number.isInteger(seed)) throw new CliError(`invalid --seed ${JSON.stringify(options.seed)}; give a whole number`, EXIT.invalidInput);
  return runReplay(() => compareSequences(parseSwf(text), { count, length, seed }));
}

function printReport(report: ReplayReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(report).map((key) => key.length));
  for (const [key, value] of Object.entries(report)) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
}

function printSequences(summaries: SequenceSummary[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summaries)}\n`);
    return;
  }
  process.stdout.write('policy  sequences  mean bounded slowdown  stdev  median  min  max\n');
  for (const s of summaries) {
    const cells = [
      s.policy.padEnd(6),
      String(s.sequences).padStart(9),
      s.mean.toFixed(2).padStart(21),
      s.stdev.toFixed(2),
      s.median.toFixed(2),
      s.min.toFixed(2),
      s.max.toFixed(2),
    ];
    process.stdout.write(`${cells.join('  ')}\n`);
  }
}

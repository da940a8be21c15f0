import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { evalJobsFromSwf, evaluateEta, type EtaEvalResult } from '../../preflight/eta-eval/replay.js';
import { parseSwf, TraceInputError } from '../../replay/swf.js';
import { CliError, EXIT } from '../client.js';

interface EtaEvalOptions {
  json?: boolean;
  limit?: string;
}

export function registerEtaEvalCommand(program: Command): void {
  program
    .command('eta-eval')
    .description(
      'Replay an SWF trace in submission order, predict each runtime from what had finished before it, and score the predictions against baselines.',
    )
    .argument('<trace>', 'Standard Workload Format file with runtimes (field 4) and user ids (field 12)')
    .option('--limit <jobs>', 'evaluate only the first N jobs of the trace')
    .option('--json', 'print the metrics as JSON')
    .action(async (trace: string, options: EtaEvalOptions) => {
      const result = await evaluateTrace(trace, options.limit);
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(trace, result));
    });
}

async function evaluateTrace(trace: string, limit: string | undefined): Promise<EtaEvalResult> {
  let maxJobs = Infinity;
  if (limit !== undefined) {
    maxJobs = Number(limit);
    if (!Number.isSafeInteger(maxJobs) || maxJobs < 1) {
      throw new CliError(`--limit ${limit} is invalid; give a whole number of jobs, 1 or more.`, EXIT.invalidInput);
    }
  }

  let text: string;
  try {
    text = await readFile(trace, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${trace}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Check the path.`, EXIT.invalidInput);
  }
  let records;
  try {
    records = parseSwf(text).records.slice(0, maxJobs);
  } catch (error) {
    if (error instanceof TraceInputError) throw new CliError(`${trace}: ${error.message}`, EXIT.invalidInput);
    throw error;
  }

  const { jobs, skipped } = evalJobsFromSwf(records);
  if (jobs.length === 0) {
    throw new CliError(
      `${trace} has no job with both a runtime (field 4) and a user id (field 12), so there is nothing to predict; use a trace that records users.`,
      EXIT.invalidInput,
    );
  }
  return { ...evaluateEta(jobs), jobs_skipped: skipped };
}

function formatResult(trace: string, result: EtaEvalResult): string {
  const percent = (value: number | null): string => (value === null ? 'n/a' : `${value}%`);
  return [
    `ETA evaluation of ${trace}: ${result.jobs_counted} jobs counted, ${result.jobs_skipped} skipped (no runtime or no user)`,
    `  within ±25%:             ${percent(result.within_25_pct)}`,
    `  p90 coverage:            ${percent(result.p90_coverage_pct)}`,
    `  baseline requested time: ${percent(result.baseline_requested_within_25_pct)}`,
    `  baseline last two runs:  ${percent(result.baseline_last2_within_25_pct)}`,
    '',
  ].join('\n');
}

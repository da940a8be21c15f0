import { stat } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import {
  SparkEventLogError,
  analyzeSparkEventLogFile,
  renderSparkReport,
  type SparkReport,
} from '../../observe/spark-report/index.js';
import { renderJobReport } from '../../observe/job-report/render-text.js';
import type { JobReport } from '../../observe/job-report/types.js';
import { CliError, EXIT, getJson, serverUrl } from '../client.js';

interface ReportOptions {
  sparkEventLog?: string;
  json?: boolean;
  maxExecutors?: number;
  url?: string;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "Print a job's post-run report (runtime against prediction, queue wait, core-hours, attempts, cell times, Spark analysis), " +
        'or analyze a Spark application from its event log alone: stages, shuffle, spill, GC, executors and hints.',
    )
    .argument('[id]', 'job id whose report to fetch from the scheduler')
    .option('--spark-event-log <file>', 'Spark event log file, plain or zstd-compressed (from spark.eventLog.dir)')
    .option('--json', 'print the report as JSON')
    .option('--max-executors <n>', 'executor ceiling to measure executor use against, such as the pool limit', parseExecutorCount)
    .option('--url <url>', 'scheduler URL for a job report (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (id: string | undefined, options: ReportOptions) => {
      if ((id === undefined) === (options.sparkEventLog === undefined)) {
        throw new CliError('Give one job id (such as "dofc report 12") or --spark-event-log FILE, but not both.', EXIT.invalidInput);
      }
      if (id !== undefined) {
        const report = await getJson<JobReport>(serverUrl(options.url), `/jobs/${encodeURIComponent(id)}/report`);
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderJobReport(report));
        return;
      }
      const report = await readReport(options.sparkEventLog as string, options.maxExecutors);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderSparkReport(report));
    });
}

function parseExecutorCount(value: string): number {
  const count = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(count) || count < 1) {
    throw new InvalidArgumentError('Give a whole number of executors of at least 1, such as 15.');
  }
  return count;
}

/** Reads the log, turning a missing or unreadable file and a file that is not an event log into exit code 2. */
async function readReport(file: string, maxExecutors: number | undefined): Promise<SparkReport> {
  await requireRegularFile(file);

  try {
    return await analyzeSparkEventLogFile(file, maxExecutors === undefined ? {} : { maxExecutors });
  } catch (error) {
    if (error instanceof SparkEventLogError) {
      throw new CliError(`Cannot read the Spark event log ${file}. ${error.message}`, EXIT.invalidInput);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EISDIR') {
      throw new CliError(`Cannot read ${file} (${code}); check its permissions.`, EXIT.invalidInput);
    }
    throw error;
  }
}

async function requireRegularFile(file: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new CliError(
      `Spark event log ${file} cannot be opened (${code}). Pass the path of the application's event log file, ` +
        'which Spark writes under spark.eventLog.dir (file:/tmp/spark-events by default).',
      EXIT.invalidInput,
    );
  }
  if (!isFile) {
    throw new CliError(
      `${file} is a directory, not an event log file. Rolling event logs (spark.eventLog.rolling.enabled) are ` +
        'directories of events_N_* files, which this report does not read yet; concatenate them in order of N into one file and pass that.',
      EXIT.invalidInput,
    );
  }
}

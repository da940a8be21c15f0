import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { LABELS, PRIORITIES, type JobSubmission } from '../../contract/job-spec.js';
import type { JobView } from '../../contract/job-view.js';
import { callApi, CliError, EXIT, serverUrl } from '../client.js';
import { formatJob } from '../format.js';
import { resolveStartTime } from '../start-time.js';

interface SubmitOptions {
  label: string;
  priority: string;
  notBefore?: string;
  owner?: string;
  team?: string;
  name?: string;
  timeout?: string;
  idempotencyKey?: string;
  json?: boolean;
  url?: string;
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Submit a notebook (.ipynb) or a Python script (.py) as a job.')
    .argument('<file>', 'the notebook or script; its folder is the working directory')
    .option('--label <L|H>', 'L for light, interactive work; H for heavy work', 'L')
    .option('--priority <P0|P1|P2>', 'priority band, P0 highest', 'P2')
    .option('--not-before <time>', 'earliest start: HH:MM (next occurrence, local time), "off-peak" (19:00) or an ISO date-time')
    .option('--owner <user>', 'owner of the job; only admins may name another user (default: the authenticated user)')
    .option('--team <team>', 'team the job counts against; only admins may name another team (default: your team)')
    .option('--name <name>', 'a name to show instead of the file name')
    .option('--timeout <seconds>', 'stop the job after this many seconds of running (default 21600)')
    .option('--idempotency-key <key>', 'repeat a submit safely: the same key returns the first job')
    .option('--json', 'print the job as JSON')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (file: string, options: SubmitOptions) => {
      const submission = await buildSubmission(file, options, new Date());
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;

      const response = await callApi(serverUrl(options.url), '/jobs', {
        method: 'POST',
        headers,
        body: JSON.stringify(submission),
      }).catch((error: unknown) => {
        throw inTermsOfFile(error, file);
      });
      const job = (await response.json()) as JobView;
      process.stdout.write(options.json ? `${JSON.stringify(job)}\n` : `${formatJob(job)}\n`);
    });
}

/**
 * Names the file in the scheduler's complaint about the source, and replaces the API's "kind"
 * advice, which has no option here, by the file name extension that chooses it.
 */
function inTermsOfFile(error: unknown, file: string): unknown {
  if (!(error instanceof CliError) || !error.message.startsWith('source ')) return error;
  const message = error.message.replace(/, or use kind "script"\.$/, '. If the file is Python code, name it .py.');
  return new CliError(`${file}: ${message}`, error.exitCode);
}

/** A JobSubmission whose owner and team the scheduler fills in from the caller when they are left out. */
export type SubmissionBody = Omit<JobSubmission, 'owner'> & { owner?: string };

/** Checks the options and reads the file; every mistake here exits with code 2 before any request. */
export async function buildSubmission(file: string, options: SubmitOptions, now: Date): Promise<SubmissionBody> {
  options = { ...options, label: options.label.toUpperCase(), priority: options.priority.toUpperCase() };
  if (!(LABELS as readonly string[]).includes(options.label)) {
    throw new CliError(`--label ${options.label} is invalid; use L (light) or H (heavy).`, EXIT.invalidInput);
  }
  if (!(PRIORITIES as readonly string[]).includes(options.priority)) {
    throw new CliError(`--priority ${options.priority} is invalid; use P0, P1 or P2.`, EXIT.invalidInput);
  }

  const absolute = path.resolve(file);
  const extension = path.extname(absolute).toLowerCase();
  if (extension !== '.ipynb' && extension !== '.py') {
    throw new CliError(`${file} is neither a notebook (.ipynb) nor a Python script (.py); submit one of those.`, EXIT.invalidInput);
  }
  let content: string;
  try {
    content = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Check the path.`, EXIT.invalidInput);
  }

  // The scheduler sets the owner and team from the credential; they are sent only when given.
  const submission: SubmissionBody = {
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
    ...(options.team !== undefined ? { team: options.team } : {}),
    label: options.label as JobSubmission['label'],
    priority: options.priority as JobSubmission['priority'],
    source: { kind: extension === '.ipynb' ? 'notebook' : 'script', path: absolute, content },
  };
  if (options.name !== undefined) submission.name = options.name;

  if (options.notBefore !== undefined) {
    const start = resolveStartTime(options.notBefore, now);
    if (start === null) {
      throw new CliError(
        `--not-before ${options.notBefore} is invalid; use HH:MM, "off-peak" or an ISO date-time such as 2026-12-04T19:00:00Z.`,
        EXIT.invalidInput,
      );
    }
    submission.not_before = start;
  }

  if (options.timeout !== undefined) {
    const seconds = Number(options.timeout);
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new CliError(`--timeout ${options.timeout} is invalid; give a whole number of seconds, 1 or more.`, EXIT.invalidInput);
    }
    submission.timeout_s = seconds;
  }
  return submission;
}

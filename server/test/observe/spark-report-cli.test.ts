import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CliError, EXIT } from '../../src/cli/client.js';
import { registerReportCommand } from '../../src/cli/commands/report.js';
import { analyzeSparkEventLogFile } from '../../src/observe/spark-report/index.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

const LOCAL_LOG = 'spark-events/local-1532512550423';
const DYNAMIC_LOG = 'spark-events/eventlog_4nodes_8cores_dynamic_alloc';
const localLog = sharedDataPath(LOCAL_LOG);
const dynamicLog = sharedDataPath(DYNAMIC_LOG);
if (!localLog || !dynamicLog) {
  console.warn(missingDataMessage(localLog ? DYNAMIC_LOG : LOCAL_LOG));
}

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-report-cli-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs `dofc report` with the given arguments and returns what it printed. */
async function runReport(...args: string[]): Promise<string> {
  const program = new Command('dofc').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerReportCommand(program);
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  await program.parseAsync(['node', 'dofc', 'report', ...args]);
  return printed.join('');
}

async function expectExitCode2(run: Promise<string>, ...fragments: string[]): Promise<void> {
  const error = await run.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(EXIT.invalidInput);
  for (const fragment of fragments) {
    expect((error as CliError).message).toContain(fragment);
  }
}

describe.skipIf(!localLog || !dynamicLog)('dofc report', () => {
  it('prints a readable report with an aligned stage table', async () => {
    const text = await runReport('--spark-event-log', localLog ?? '');
    expect(text).toContain('Spark application local-1532512550423 "Spark shell"');
    expect(text).toContain('Tasks    8 (8 succeeded, 0 failed, 0 killed)');
    expect(text).toContain('Hints\n  None: no figure crossed a hint threshold.');

    const lines = text.split('\n');
    const header = lines.find((line) => line.includes('Shuffle read')) ?? '';
    const rows = lines.filter((line) => line.includes('collect at <console>:25'));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.indexOf('collect at')).toBe(header.indexOf('Name'));
    }
  });

  it('prints the report as stable JSON', async () => {
    const first = await runReport('--spark-event-log', dynamicLog ?? '', '--json');
    const second = await runReport('--spark-event-log', dynamicLog ?? '', '--json');
    expect(second).toBe(first);
    expect(JSON.parse(first)).toEqual(await analyzeSparkEventLogFile(dynamicLog ?? ''));
  });

  it('measures executors against --max-executors', async () => {
    const report = JSON.parse(await runReport('--spark-event-log', dynamicLog ?? '', '--json', '--max-executors', '15'));
    expect(report.executors.ceiling).toEqual({ maxExecutors: 15, source: 'option', peakShare: 7 / 15, busyShare: 5 / 15 });
  });
});

describe('dofc report errors', () => {
  it('exits 2 for a missing file', async () => {
    const missing = path.join(tempDir, 'no-such-log');
    await expectExitCode2(runReport('--spark-event-log', missing), `Spark event log ${missing} cannot be opened (ENOENT)`, 'spark.eventLog.dir');
  });

  it('exits 2 for a file that is not an event log', async () => {
    const file = path.join(tempDir, 'notes.txt');
    writeFileSync(file, 'hello\n');
    await expectExitCode2(runReport('--spark-event-log', file), `Cannot read the Spark event log ${file}. Line 1 is not a Spark event`, 'so the file is not a Spark event log');
  });

  it('exits 2 for a directory', async () => {
    await expectExitCode2(runReport('--spark-event-log', tempDir), `${tempDir} is a directory`, 'events_N_*');
  });

  it.each(['0', '-3', '2.5', 'many'])('rejects --max-executors %s', async (value) => {
    const run = runReport('--spark-event-log', tempDir, '--max-executors', value);
    await expect(run).rejects.toBeInstanceOf(CommanderError);
    await expect(run).rejects.toThrow(/Give a whole number of executors of at least 1/);
  });
});

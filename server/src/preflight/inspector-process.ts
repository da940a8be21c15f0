import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One data reference from the inspector's JSON report (`dofc/inspector/report.py`, DataRef). */
export interface InspectedRef {
  engine: string;
  api: string;
  kind: 'path' | 'table' | 'url' | 'query';
  location: string | null;
  exact: boolean;
  format: string | null;
  cell: number | null;
  line: number;
}

export interface InspectedFlag {
  id: string;
  severity: 'info' | 'warning' | 'error';
  cell: number | null;
  line: number;
  message: string;
  fix: string;
}

/** The subset of the inspector's report that pre-flight uses. */
export interface InspectionReport {
  inputs: InspectedRef[];
  outputs: InspectedRef[];
  operations: Record<string, number>;
  uses_spark: boolean;
  flags: InspectedFlag[];
  code_cells: number;
}

export interface InspectorOptions {
  python: string;
  timeoutMs: number;
  /** Working directory of the interpreter; it must make the `dofc` package importable. */
  cwd: string;
}

/**
 * The inspector could not run or returned something other than a report. `transient` is true
 * when a signal from outside stopped it (a shutdown that signals the whole process group, an
 * operator's kill): the source is not at fault, so the analysis is worth running again.
 */
export class InspectorError extends Error {
  readonly transient: boolean;

  constructor(message: string, options?: ErrorOptions & { transient?: boolean }) {
    super(message, options);
    this.name = 'InspectorError';
    this.transient = options?.transient ?? false;
  }
}

/**
 * Runs `python -m dofc.inspector FILE --json` on the source text, written to a temporary file
 * because the command reads a file. A `cell` source is Python code, so it is inspected as a script.
 * One run takes about 0.25 s on a 2-core machine, which is why the scheduler analyses a few jobs
 * at once and gives pre-flight a time budget per cycle.
 */
export async function runInspector(
  kind: 'notebook' | 'cell' | 'script',
  content: string,
  options: InspectorOptions,
): Promise<InspectionReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dofc-preflight-'));
  const file = path.join(dir, kind === 'notebook' ? 'source.ipynb' : 'source.py');
  try {
    await writeFile(file, content, 'utf8');
    const { stdout } = await execFileAsync(options.python, ['-m', 'dofc.inspector', file, '--json'], {
      cwd: options.cwd,
      timeout: options.timeoutMs,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, PYTHONPATH: [options.cwd, process.env['PYTHONPATH']].filter(Boolean).join(path.delimiter) },
    });
    return parseReport(stdout);
  } catch (error) {
    if (error instanceof InspectorError) throw error;
    throw new InspectorError(describeFailure(error, options), { cause: error, transient: stoppedFromOutside(error) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Returns whether a signal from outside ended the inspector, as opposed to our own timeout kill. */
function stoppedFromOutside(error: unknown): boolean {
  const failure = error as { killed?: boolean; signal?: NodeJS.Signals | null };
  return failure.killed !== true && typeof failure.signal === 'string';
}

function describeFailure(error: unknown, options: InspectorOptions): string {
  const failure = error as { killed?: boolean; code?: number | string; signal?: NodeJS.Signals | null; stderr?: string };
  if (failure.killed !== true && typeof failure.signal === 'string') {
    return `the code inspector was stopped by ${failure.signal} from outside the scheduler`;
  }
  if (failure.killed === true) {
    return `the code inspector timed out after ${options.timeoutMs} ms; the source may be too large to analyse`;
  }
  if (failure.code === 'ENOENT') {
    return `the Python interpreter ${options.python} was not found; set DOFC_PYTHON to an interpreter with the dofc package`;
  }
  const stderr = (failure.stderr ?? '').trim().split('\n').slice(-3).join(' ');
  return `the code inspector exited with ${String(failure.code)}: ${stderr || (error as Error).message}`;
}

function parseReport(stdout: string): InspectionReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new InspectorError(`the code inspector printed invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const report = parsed as Partial<InspectionReport>;
  if (!Array.isArray(report.inputs) || !Array.isArray(report.flags) || typeof report.operations !== 'object') {
    throw new InspectorError('the code inspector printed JSON without inputs, flags and operations');
  }
  return report as InspectionReport;
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { InspectorError, toInspectionReport, type InspectionReport, type InspectorOptions } from './inspector-report.js';

/** Bytes of the worker's standard error kept for the message of a failed inspection. */
const STDERR_TAIL_BYTES = 4096;

type Pending = {
  id: number;
  resolve: (report: InspectionReport) => void;
  reject: (error: InspectorError) => void;
  timer: NodeJS.Timeout;
};

/**
 * One `python -m dofc.inspector --serve` process, which handles one request at a time. A timed-out
 * request kills the process, because the inspector cannot be interrupted between two lines of
 * its own; the pool then starts another.
 */
export class InspectorWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Pending | null = null;
  private nextId = 1;
  private stderrTail = '';
  private killedForTimeout = false;
  private exited = false;
  /** Set once the worker is being killed or retired, before its exit arrives, so no request reaches it. */
  private ending = false;
  /** Requests handled so far, so the pool can retire a long-lived worker. */
  served = 0;

  constructor(
    private readonly options: InspectorOptions,
    private readonly onExit: (worker: InspectorWorker) => void,
  ) {
    this.child = spawn(options.python, ['-m', 'dofc.inspector', '--serve'], {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONPATH: [options.cwd, process.env['PYTHONPATH']].filter(Boolean).join(path.delimiter) },
    });

    // An idle worker must not keep the scheduler's process alive at shutdown.
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }

    createInterface({ input: this.child.stdout }).on('line', (line) => this.receive(line));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    // A write to a worker that has just died fails with EPIPE; its exit rejects the request.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      this.fail(this.describeSpawnError(error), false);
      this.markExited();
    });
    this.child.on('exit', (code, signal) => this.handleExit(code, signal));
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /** Whether the worker can take a request. */
  get usable(): boolean {
    return !this.exited && !this.ending;
  }

  inspect(kind: 'notebook' | 'script', text: string): Promise<InspectionReport> {
    if (this.pending !== null) throw new Error('an inspector worker takes one request at a time');
    const id = this.nextId++;

    return new Promise<InspectionReport>((resolve, reject) => {
      const timer = setTimeout(() => this.timeOut(), this.options.timeoutMs);
      this.pending = { id, resolve, reject, timer };
      this.child.stdin.write(`${JSON.stringify({ id, kind, text })}\n`);
    });
  }

  /** Let the worker finish and exit: it stops at the end of its input. */
  retire(): void {
    this.ending = true;
    this.child.stdin.end();
  }

  kill(): void {
    this.ending = true;
    this.child.kill('SIGKILL');
  }

  private receive(line: string): void {
    const pending = this.pending;
    if (pending === null) return;

    let response: { id?: unknown; report?: unknown; error?: unknown };
    try {
      response = JSON.parse(line) as typeof response;
    } catch (error) {
      this.settle((p) => p.reject(new InspectorError(`the code inspector printed invalid JSON (${(error as Error).message})`, { cause: error })));
      return;
    }
    if (response.id !== pending.id) return;

    if (typeof response.error === 'string') {
      const message = response.error;
      this.settle((p) => p.reject(new InspectorError(`the code inspector could not analyse the source: ${message}`)));
      return;
    }
    try {
      const report = toInspectionReport(response.report);
      this.settle((p) => p.resolve(report));
    } catch (error) {
      this.settle((p) => p.reject(error as InspectorError));
    }
  }

  private settle(action: (pending: Pending) => void): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    clearTimeout(pending.timer);
    this.served += 1;
    action(pending);
  }

  private timeOut(): void {
    this.killedForTimeout = true;
    this.ending = true;
    this.fail(`the code inspector timed out after ${this.options.timeoutMs} ms; the source may be too large to analyse`, false);
    this.kill();
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (signal !== null && !this.killedForTimeout) {
      // A signal from outside (a shutdown that signals the process group, an operator's kill)
      // tells nothing about the source, so the analysis is worth running again.
      this.fail(`the code inspector was stopped by ${signal} from outside the scheduler`, true);
    } else {
      const stderr = this.stderrTail.trim().split('\n').slice(-3).join(' ');
      this.fail(`the code inspector exited with ${String(code)}: ${stderr || 'no message'}`, false);
    }
    this.markExited();
  }

  /** Tells the pool once, whether the process exited or never started. */
  private markExited(): void {
    if (this.exited) return;
    this.exited = true;
    this.onExit(this);
  }

  private fail(message: string, transient: boolean): void {
    this.settle((p) => p.reject(new InspectorError(message, { transient })));
  }

  private describeSpawnError(error: NodeJS.ErrnoException): string {
    if (error.code === 'ENOENT') {
      return `the Python interpreter ${this.options.python} was not found; set DOFC_PYTHON to an interpreter with the dofc package`;
    }
    return `the code inspector could not start: ${error.message}`;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import { signalGroup } from './process-liveness.js';
import type { WarmKernelSettings } from './warm-settings.js';

/** The pool process's counters, from its status.json. */
export interface WarmPoolStatus {
  size: number;
  ready: number;
  in_use: number;
  started_total: number;
  claimed_total: number;
  failed_starts_total: number;
}

/** Claims by eligible runners so far: `warm` got a kernel, `cold` found none ready. */
export interface WarmClaimCounts {
  warm: number;
  cold: number;
}

export interface WarmKernelPoolOptions {
  /** Interpreter with the dofc package; the same one that runs the job runner. */
  python: string;
  /** The pool's folder, shared with the runners (see dofc/warm/slots.py). */
  dir: string;
  settings: WarmKernelSettings;
  logger: Logger;
}

/** Seconds the pool gets to kill its idle kernels after SIGTERM. */
const STOP_GRACE_MS = 15_000;
/** Delay before a pool process that exited on its own is started again. */
const RESTART_DELAY_MS = 5_000;

/**
 * Runs `python -m dofc.runner.kernel_pool` for the service's lifetime and restarts it when it
 * exits on its own. The process has its own process group, so signals aimed at a runner or at
 * the service's terminal do not reach it, and it exits by itself if the service dies.
 */
export class WarmKernelPool {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private claimsOffset = 0;
  private readonly claims: WarmClaimCounts = { warm: 0, cold: 0 };

  constructor(private readonly options: WarmKernelPoolOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  get size(): number {
    return this.options.settings.size;
  }

  start(): void {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    const logFd = openSync(path.join(this.options.dir, 'pool.log'), 'a');
    const settings = this.options.settings;
    const argv = ['-m', 'dofc.runner.kernel_pool', this.options.dir, '--size', String(settings.size), '--preload', settings.preload.join(','), '--parent-pid', String(process.pid)];
    let child: ChildProcess;
    try {
      // The runners' environment (see LocalExecutor.start), so a warm kernel gets the environment a cold one would.
      child = spawn(this.options.python, argv, {
        cwd: this.options.dir,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      });
    } finally {
      closeSync(logFd);
    }
    child.unref();
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));

    const log = this.options.logger.child({ warmPool: this.options.dir });
    child.once('error', (error) => log.error({ err: error }, `could not start the warm kernel pool with ${this.options.python}; Light jobs start cold kernels`));
    child.once('spawn', () => log.info({ pid: child.pid, size: settings.size, preload: settings.preload }, 'warm kernel pool started'));
    child.once('exit', (code, signal) => {
      this.child = null;
      if (this.stopping) return;
      log.error({ code, signal, log: path.join(this.options.dir, 'pool.log') }, `warm kernel pool exited; restarting in ${RESTART_DELAY_MS / 1000} s`);
      this.restartTimer = setTimeout(() => this.start(), RESTART_DELAY_MS);
      this.restartTimer.unref();
    });
  }

  /** Stop the pool: it kills its idle kernels, while kernels in use end with their attempts. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child?.pid === undefined) return;

    signalGroup(child.pid, 'SIGTERM');
    const killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killTimer);
  }

  /** Read the pool's status.json, or return null while the pool has not written it. */
  async readStatus(): Promise<WarmPoolStatus | null> {
    const text = await readFile(path.join(this.options.dir, 'status.json'), 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      return JSON.parse(text) as WarmPoolStatus;
    } catch {
      // The pool replaces the file by rename, so a parse error means a damaged file, not a partial write.
      return null;
    }
  }

  /** Count the claims the runners logged since the last call, and return the totals. */
  async readClaims(): Promise<WarmClaimCounts> {
    const handle = await open(path.join(this.options.dir, 'claims.log'), 'r').catch(() => null);
    if (handle === null) return { ...this.claims };
    try {
      const { size } = await handle.stat();
      if (size <= this.claimsOffset) return { ...this.claims };
      const buffer = Buffer.alloc(size - this.claimsOffset);
      await handle.read(buffer, 0, buffer.length, this.claimsOffset);
      const text = buffer.toString('utf8');
      // A line still being written has no newline yet; it is counted on the next call.
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      this.claimsOffset += Buffer.byteLength(complete);
      for (const line of complete.split('\n')) {
        if (line.startsWith('warm ')) this.claims.warm += 1;
        else if (line.startsWith('cold ')) this.claims.cold += 1;
      }
      return { ...this.claims };
    } finally {
      await handle.close();
    }
  }
}

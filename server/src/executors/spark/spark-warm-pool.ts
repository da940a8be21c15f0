import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { AttemptLaunch } from '../executor.js';
import { isRunnerAlive, signalGroup } from '../local/process-liveness.js';
import { findFreePort } from './free-port.js';
import { submitArgv, warmApplicationName } from './spark-conf.js';
import type { SparkSettings } from './spark-settings.js';
import { spawnSparkSubmit, type SparkSubmitProcess } from './spark-submit-process.js';
import type { SparkWarmSettings } from './spark-warm-settings.js';
import { warmDriverConf } from './warm-driver-conf.js';
import { assignSlot, moveSlotEventLog, readSlotClaim, readSlotPid, SLOT_FILES, type SlotAssignment } from './warm-slot-files.js';

export interface SparkWarmPoolOptions {
  /** The pool's folder; each driver gets `<dir>/slots/<name>/`. */
  dir: string;
  settings: SparkSettings;
  warm: SparkWarmSettings;
  logger: Logger;
  /** The warm driver entry spark-submit runs; by default dofc/spark/warm_driver.py in this checkout. */
  driverFile?: string;
}

/** A driver of this pool that no attempt has claimed yet. */
interface WaitingDriver {
  name: string;
  dir: string;
  uiPort: number;
  process: SparkSubmitProcess;
  ready: boolean;
  startedAt: number;
}

/**
 * A driver no longer offered to attempts: claimed by one, retired, or left by an earlier
 * scheduler (then `process` is null). Its folder is removed once its process has ended.
 */
interface DepartingDriver {
  pid: number | null;
  process: SparkSubmitProcess | null;
  claimed: boolean;
}

/** A driver claimed for an attempt: its application and process. */
export interface WarmDriverClaim {
  dir: string;
  appName: string;
  uiPort: number;
  process: SparkSubmitProcess;
}

/** Drivers by state, for /metrics. */
export interface SparkWarmPoolStatus {
  ready: number;
  starting: number;
  inUse: number;
}

/** Milliseconds between passes that promote, replace and remove drivers. */
const TICK_MS = 500;
/** Wait after a driver failed to start, so a broken installation does not take a core all the time. */
const FAILED_START_BACKOFF_MS = 10_000;
/** Grace between SIGTERM and SIGKILL for waiting drivers when the pool stops; the JVM unregisters its application in between. */
const STOP_GRACE_MS = 15_000;

/**
 * Keeps `warm.drivers` Spark drivers started for Interactive-pool notebooks, each with its
 * SparkSession created and no executors, and replaces each one that an attempt claims. A driver
 * serves one attempt and then exits, which ends its application, so its event log, its
 * ceiling and a cancel through the master concern that attempt only. Drivers start one at a
 * time, so refilling the pool never takes more than one core.
 *
 * Drivers are spark-submit processes of this scheduler in process groups of their own. A waiting
 * driver retires and exits when the scheduler is gone (dofc/spark/warm_driver.py), while a claimed
 * one runs its attempt to the end as a cold driver does.
 */
export class SparkWarmPool {
  readonly claims = { warm: 0, cold: 0 };
  private readonly waiting = new Map<string, WaitingDriver>();
  private readonly departing = new Map<string, DepartingDriver>();
  private readonly slotsDir: string;
  private readonly driverFile: string;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private stopping = false;
  private nextStartAt = 0;

  constructor(private readonly options: SparkWarmPoolOptions) {
    this.slotsDir = path.join(options.dir, 'slots');
    this.driverFile = options.driverFile ?? path.join(REPO_ROOT, 'dofc', 'spark', 'warm_driver.py');
    this.log = options.logger.child({ sparkWarmPool: options.dir });
  }

  get size(): number {
    return this.options.warm.drivers;
  }

  /**
   * Returns whether an attempt may run on a warm driver: a notebook or cell of the Interactive
   * pool whose allocation is the drivers' own. A script runs in the driver process itself, which has
   * no session to offer, and any other allocation needs a ceiling fixed at application start.
   */
  fits(launch: Pick<AttemptLaunch, 'kind' | 'allocation'>): boolean {
    const allocation = launch.allocation;
    const warm = this.options.warm.allocation;
    return (
      this.size > 0 &&
      launch.kind !== 'script' &&
      allocation?.pool === 'interactive' &&
      allocation.maxExecutors === warm.maxExecutors &&
      allocation.coresPerExecutor === warm.coresPerExecutor &&
      allocation.memPerExecutorGb === warm.memPerExecutorGb
    );
  }

  /** Take over the folders an earlier scheduler left, then keep the pool full until `stop`. */
  async start(): Promise<void> {
    await mkdir(this.slotsDir, { recursive: true, mode: 0o700 });
    await this.adoptLeftovers();
    this.log.info({ drivers: this.size, allocation: this.options.warm.allocation }, 'warm Spark driver pool started');
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    void this.tick();
  }

  /** Stop the waiting drivers; claimed drivers end with their attempts. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    const drivers = [...this.waiting.values()];
    this.waiting.clear();
    await Promise.all(drivers.map((driver) => this.stopDriver(driver)));
    this.log.info({ stopped: drivers.length }, 'warm Spark driver pool stopped');
  }

  status(): SparkWarmPoolStatus {
    const waiting = [...this.waiting.values()];
    const inUse = [...this.departing.entries()].filter(([dir, driver]) => driver.claimed && this.isRunning(dir, driver)).length;
    return { ready: waiting.filter((driver) => driver.ready).length, starting: waiting.filter((driver) => !driver.ready).length, inUse };
  }

  /**
   * Claim the oldest ready driver for an attempt, or return null (a cold start) when none is
   * ready. `recordDriver` runs before the claim becomes visible to the driver, so the attempt's
   * own record names the driver before the driver can start it. A scheduler killed in between
   * then finds the attempt either unstarted (and fences it) or on a driver its record names.
   */
  async claim(assignment: SlotAssignment, recordDriver: (driver: WarmDriverClaim) => Promise<void>): Promise<WarmDriverClaim | null> {
    for (const driver of [...this.waiting.values()]) {
      if (this.stopping || !driver.ready || driver.process.exit !== null) continue;
      // Taken out before the first await, so a second launch in the same pass cannot pick it too.
      this.waiting.delete(driver.name);
      const claim: WarmDriverClaim = { dir: driver.dir, appName: warmApplicationName(driver.name), uiPort: driver.uiPort, process: driver.process };
      try {
        await recordDriver(claim);
      } catch (error) {
        this.waiting.set(driver.name, driver);
        throw error;
      }
      const won = await assignSlot(driver.dir, assignment);
      this.departing.set(driver.dir, { pid: driver.process.pid, process: driver.process, claimed: won });
      if (!won) {
        this.log.warn({ slot: driver.name }, 'warm Spark driver retired before its claim; trying the next one');
        continue;
      }
      this.claims.warm += 1;
      this.log.info({ slot: driver.name, attemptDir: assignment.attempt_dir, waitedMs: Date.now() - driver.startedAt }, 'warm Spark driver claimed');
      void this.tick();
      return claim;
    }
    this.claims.cold += 1;
    return null;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.promoteAndReap();
      await this.removeEnded();
      const starting = [...this.waiting.values()].some((driver) => !driver.ready);
      if (!this.stopping && !starting && this.waiting.size < this.size && Date.now() >= this.nextStartAt) await this.startDriver();
    } catch (error) {
      this.log.error({ err: error }, 'warm Spark driver pool pass failed; retrying on the next pass');
    } finally {
      this.ticking = false;
    }
  }

  /** Mark drivers whose session is ready, and drop waiting drivers that exited. */
  private async promoteAndReap(): Promise<void> {
    for (const driver of [...this.waiting.values()]) {
      const exit = driver.process.exit;
      if (exit !== null) {
        this.waiting.delete(driver.name);
        this.departing.set(driver.dir, { pid: driver.process.pid, process: driver.process, claimed: false });
        const logFile = path.join(driver.dir, SLOT_FILES.log);
        if (!driver.ready) this.nextStartAt = Date.now() + FAILED_START_BACKOFF_MS;
        this.log.error({ slot: driver.name, exit, log: logFile }, `warm Spark driver exited ${driver.ready ? 'while waiting' : 'before its session was ready'}; starting another in ${driver.ready ? 0 : FAILED_START_BACKOFF_MS / 1000} s`);
        continue;
      }
      if (!driver.ready && (await stat(path.join(driver.dir, SLOT_FILES.ready)).catch(() => null)) !== null) {
        driver.ready = true;
        this.log.info({ slot: driver.name, startMs: Date.now() - driver.startedAt }, 'warm Spark driver ready');
      }
    }
  }

  /** Remove the folders of departed drivers whose process has ended, after moving a claimed one's event log to its attempt. */
  private async removeEnded(): Promise<void> {
    for (const [dir, driver] of [...this.departing.entries()]) {
      if (this.isRunning(dir, driver)) continue;
      const claim = await readSlotClaim(dir);
      if (claim?.attempt_dir !== undefined) await moveSlotEventLog(dir, claim.attempt_dir);
      await rm(dir, { recursive: true, force: true });
      this.departing.delete(dir);
    }
  }

  private async startDriver(): Promise<void> {
    const name = `${Date.now()}-${randomBytes(3).toString('hex')}`;
    const dir = path.join(this.slotsDir, name);
    // Owner-only, because the kernel's connection file in it lets its reader run code.
    await mkdir(path.join(dir, SLOT_FILES.events), { recursive: true, mode: 0o700 });
    const uiPort = await findFreePort();
    const conf = warmDriverConf(this.options.settings, { name, dir, uiPort }, this.options.warm.allocation);
    const argv = submitArgv(this.options.settings, conf, this.driverFile, dir, '--scheduler-pid', String(process.pid));

    let started: SparkSubmitProcess;
    try {
      started = await spawnSparkSubmit(this.options.settings, argv, dir, path.join(dir, SLOT_FILES.log));
    } catch (error) {
      this.nextStartAt = Date.now() + FAILED_START_BACKOFF_MS;
      this.log.error({ err: error, slot: name }, `could not start a warm Spark driver; retrying in ${FAILED_START_BACKOFF_MS / 1000} s`);
      await rm(dir, { recursive: true, force: true });
      return;
    }
    await writeFile(path.join(dir, SLOT_FILES.process), JSON.stringify({ pid: started.pid, started_at: new Date().toISOString() }), 'utf8');
    const driver: WaitingDriver = { name, dir, uiPort, process: started, ready: false, startedAt: Date.now() };
    // The pool may have stopped while spark-submit was starting.
    if (this.stopping) {
      await this.stopDriver(driver);
      return;
    }
    this.waiting.set(name, driver);
    this.log.info({ slot: name, pid: started.pid, uiPort }, 'warm Spark driver starting');
  }

  /**
   * Take over the drivers an earlier scheduler left. Unclaimed ones that still run are stopped
   * (they retire by themselves once that scheduler is gone, so this covers a quick restart), and
   * claimed ones run on. Every folder is removed once its process has ended.
   */
  private async adoptLeftovers(): Promise<void> {
    const names = await readdir(this.slotsDir).catch(() => [] as string[]);
    for (const name of names) {
      const dir = path.join(this.slotsDir, name);
      const pid = await readSlotPid(dir);
      const claim = await readSlotClaim(dir);
      const claimed = claim?.attempt_dir !== undefined;
      const driver: DepartingDriver = { pid, process: null, claimed };
      if (!claimed && this.isRunning(dir, driver)) {
        this.log.info({ slot: name, pid }, 'stopping a warm Spark driver that an earlier scheduler started');
        signalGroup(pid as number, 'SIGTERM');
      }
      this.departing.set(dir, driver);
    }
  }

  private isRunning(dir: string, driver: DepartingDriver): boolean {
    if (driver.process !== null) return driver.process.exit === null;
    // Not our child: the pid must still run a command that names this driver's folder.
    return driver.pid !== null && isRunnerAlive(driver.pid, dir);
  }

  private async stopDriver(driver: WaitingDriver): Promise<void> {
    const { pid } = driver.process;
    signalGroup(pid, 'SIGTERM');
    const killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
    if (driver.process.exit === null) await new Promise((resolve) => driver.process.child.once('exit', resolve));
    clearTimeout(killTimer);
    await rm(driver.dir, { recursive: true, force: true });
  }
}

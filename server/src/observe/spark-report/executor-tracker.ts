import { type JsonObject, numberField, objectField, stringField } from './json-fields.js';
import type { ExecutorCeiling, ExecutorEvent, ExecutorLoss, ExecutorUsage } from './types.js';

/** The reason Spark logs when the driver itself releases an executor, as dynamic allocation does. */
export const DRIVER_RELEASE_REASON = 'Executor killed by driver.';

interface ExecutorLife {
  addedAt: number;
  removedAt: number | null;
  host: string | null;
  cores: number | null;
}

/** Follows executors being added and removed, and which of them ran tasks when. */
export class ExecutorTracker {
  private readonly events: Omit<ExecutorEvent, 'liveAfter'>[] = [];
  private readonly lives = new Map<string, ExecutorLife>();

  // Flat [launch, finish, executor number] triples keep memory small for logs with millions of tasks.
  private readonly taskIntervals: number[] = [];
  private readonly executorNumbers = new Map<string, number>();

  recordAdded(event: JsonObject): void {
    const info = objectField(event, 'Executor Info');
    const executorId = stringField(event, 'Executor ID') ?? 'unknown';
    const time = numberField(event, 'Timestamp') ?? 0;
    const host = stringField(info, 'Host') ?? null;
    const cores = numberField(info, 'Total Cores') ?? null;

    this.lives.set(executorId, { addedAt: time, removedAt: null, host, cores });
    this.events.push({ time, kind: 'added', executorId, host, cores, reason: null });
  }

  recordRemoved(event: JsonObject): void {
    const executorId = stringField(event, 'Executor ID') ?? 'unknown';
    const time = numberField(event, 'Timestamp') ?? 0;
    const life = this.lives.get(executorId);
    if (life) {
      life.removedAt = time;
    }
    const reason = stringField(event, 'Removed Reason') ?? null;
    this.events.push({ time, kind: 'removed', executorId, host: life?.host ?? null, cores: life?.cores ?? null, reason });
  }

  recordTask(executorId: string, launchTime: number, finishTime: number): void {
    let executorNumber = this.executorNumbers.get(executorId);
    if (executorNumber === undefined) {
      executorNumber = this.executorNumbers.size;
      this.executorNumbers.set(executorId, executorNumber);
    }
    this.taskIntervals.push(launchTime, finishTime, executorNumber);
  }

  /**
   * Summarizes executor use up to `endTime`, when executors still alive are counted as released.
   * `taskTimeMs` is the wall time of all tasks, which core use divides by the core time held.
   */
  summarize(endTime: number | null, taskTimeMs: number, ceiling: Omit<ExecutorCeiling, 'peakShare' | 'busyShare'> | null): ExecutorUsage {
    const timeline = this.buildTimeline();
    const maxConcurrent = timeline.reduce((max, event) => Math.max(max, event.liveAfter), 0);
    const maxBusy = this.maxBusyExecutors();
    const coreTimeMs = this.coreTimeMs(endTime);

    return {
      timeline,
      added: timeline.filter((event) => event.kind === 'added').length,
      removed: timeline.filter((event) => event.kind === 'removed').length,
      maxConcurrent,
      maxBusy,
      coresPerExecutor: distinctCores(this.lives),
      coreTimeMs,
      coreUse: coreTimeMs > 0 ? taskTimeMs / coreTimeMs : null,
      ceiling: ceiling && {
        ...ceiling,
        peakShare: maxConcurrent / ceiling.maxExecutors,
        busyShare: maxBusy / ceiling.maxExecutors,
      },
      losses: this.losses(),
    };
  }

  private buildTimeline(): ExecutorEvent[] {
    // A stable sort keeps log order for events with equal timestamps.
    const ordered = [...this.events].sort((a, b) => a.time - b.time);
    let live = 0;
    return ordered.map((event) => {
      live = Math.max(0, live + (event.kind === 'added' ? 1 : -1));
      return { ...event, liveAfter: live };
    });
  }

  /** Sweeps over task start and end points; at equal times ends go first, so back-to-back tasks do not overlap. */
  private maxBusyExecutors(): number {
    const points: [time: number, delta: number, executor: number][] = [];
    for (let i = 0; i < this.taskIntervals.length; i += 3) {
      const executor = this.taskIntervals[i + 2] ?? 0;
      points.push([this.taskIntervals[i] ?? 0, 1, executor], [this.taskIntervals[i + 1] ?? 0, -1, executor]);
    }
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

    const running = new Array<number>(this.executorNumbers.size).fill(0);
    let busy = 0;
    let maxBusy = 0;
    for (const [, delta, executor] of points) {
      const before = running[executor] ?? 0;
      running[executor] = before + delta;
      if (before === 0 && delta > 0) {
        busy += 1;
      } else if (before === 1 && delta < 0) {
        busy -= 1;
      }
      maxBusy = Math.max(maxBusy, busy);
    }
    return maxBusy;
  }

  private coreTimeMs(endTime: number | null): number {
    let total = 0;
    for (const life of this.lives.values()) {
      const until = life.removedAt ?? endTime ?? life.addedAt;
      total += (life.cores ?? 0) * Math.max(0, until - life.addedAt);
    }
    return total;
  }

  private losses(): ExecutorLoss[] {
    return this.events
      .filter((event) => event.kind === 'removed' && event.reason !== DRIVER_RELEASE_REASON)
      .map((event) => ({
        executorId: event.executorId,
        host: event.host,
        time: event.time,
        reason: event.reason ?? 'no reason logged',
      }));
  }
}

function distinctCores(lives: Map<string, ExecutorLife>): number[] {
  const cores = new Set<number>();
  for (const life of lives.values()) {
    if (life.cores !== null) {
      cores.add(life.cores);
    }
  }
  return [...cores].sort((a, b) => a - b);
}

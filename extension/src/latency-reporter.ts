import type { Cell } from '@jupyterlab/cells';
import { NotebookActions, type INotebookTracker, type Notebook } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import type { Label } from './job-types';
import { readMetadata } from './metadata';
import { postJson, SchedulerError } from './request';

/** The scheduler route that stores the samples (server/src/api/routes/observations.ts). */
const ROUTE = 'observations/cell-latency';

/** Samples are sent at least this often while cells run. */
const FLUSH_INTERVAL_MS = 10_000;

/** A batch this large is sent at once; the scheduler accepts up to 500 per request. */
const BATCH_SIZE = 100;

/** Samples kept while the scheduler cannot be reached; older ones are dropped first. */
const MAX_PENDING = 500;

interface Sample {
  notebook: string;
  duration_ms: number;
  at: string;
}

/**
 * Measures how long each code cell of a Light notebook takes and reports it to the scheduler,
 * whose rolling p95 of these times pauses heavy jobs when interactive work slows down.
 *
 * A cell's time runs from when it was scheduled, or from when the cell before it in the same
 * notebook finished if that was later, until its reply. Cells queued by "Run all" therefore count
 * only their own execution, not the wait for the cells ahead of them.
 */
export class LatencyReporter implements IDisposable {
  private readonly scheduledAt = new WeakMap<Cell, number>();
  private readonly lastFinishedAt = new WeakMap<Notebook, number>();
  private pending: Sample[] = [];
  private timer: number | null = null;
  private sending = false;
  private lastError: string | null = null;
  private disposed = false;

  constructor(
    private readonly tracker: INotebookTracker,
    private readonly defaultLabel: () => Label,
  ) {
    NotebookActions.executionScheduled.connect(this.onScheduled, this);
    NotebookActions.executed.connect(this.onExecuted, this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    NotebookActions.executionScheduled.disconnect(this.onScheduled, this);
    NotebookActions.executed.disconnect(this.onExecuted, this);
    if (this.timer !== null) window.clearTimeout(this.timer);
    void this.flush();
  }

  private onScheduled(_sender: unknown, args: { notebook: Notebook; cell: Cell }): void {
    if (args.cell.model.type !== 'code') return;
    this.scheduledAt.set(args.cell, performance.now());
  }

  private onExecuted(_sender: unknown, args: { notebook: Notebook; cell: Cell; success: boolean }): void {
    const finished = performance.now();
    const scheduled = this.scheduledAt.get(args.cell);
    const previous = this.lastFinishedAt.get(args.notebook);
    this.lastFinishedAt.set(args.notebook, finished);
    if (scheduled === undefined) return;
    this.scheduledAt.delete(args.cell);

    const panel = this.tracker.find((candidate) => candidate.content === args.notebook);
    if (panel === undefined || panel.model === null) return;
    if (this.labelOf(panel.model, args.cell) !== 'L') return;

    const started = previous !== undefined && previous > scheduled ? previous : scheduled;
    this.add({ notebook: panel.context.path, duration_ms: Math.round(finished - started), at: new Date().toISOString() });
  }

  /** Return the cell's own label, else the notebook's, else the user's default, as a submission does. */
  private labelOf(model: NonNullable<Notebook['model']>, cell: Cell): Label {
    return readMetadata(cell.model).label ?? readMetadata(model).label ?? this.defaultLabel();
  }

  private add(sample: Sample): void {
    this.pending.push(sample);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    if (this.pending.length >= BATCH_SIZE) {
      void this.flush();
      return;
    }
    if (this.timer === null) this.timer = window.setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  private async flush(): Promise<void> {
    if (this.timer !== null) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.sending || this.pending.length === 0) return;

    const batch = this.pending.slice(0, BATCH_SIZE);
    this.sending = true;
    try {
      await postJson(ROUTE, { samples: batch });
      this.pending = this.pending.slice(batch.length);
      this.lastError = null;
    } catch (error) {
      // A batch the scheduler rejected is dropped, as sending it again would fail the same way.
      // Otherwise it stays pending and goes with the next one. The same error is logged once.
      if (error instanceof SchedulerError && error.status >= 400 && error.status < 500) this.pending = this.pending.slice(batch.length);
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) console.warn(`dofc: could not report cell latency to the scheduler: ${message}`);
      this.lastError = message;
    } finally {
      this.sending = false;
    }
    if (this.pending.length > 0 && !this.disposed && this.timer === null) {
      this.timer = window.setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
    }
  }
}

import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { JobList, JobSubmission, JobView } from './job-types';
import { JobStream } from './job-stream';
import { postJson, requestJson } from './request';

/** How many of the user's newest jobs the store loads and the sidebar lists. */
export const LISTED_JOBS = 50;

/**
 * The signed-in user's jobs, kept current by one event stream. Widgets read jobs here and
 * listen to `changed` instead of polling the scheduler.
 */
export class JobStore implements IDisposable {
  /** Start loading. Call once; failures are reported through `error`. */
  async start(): Promise<void> {
    try {
      const identity = await requestJson<{ owner: string }>('identity');
      this._owner = identity.owner;
    } catch (error) {
      this.setError(error);
      return;
    }

    this._stream = new JobStream({ owner: this._owner });
    this._stream.jobChanged.connect((_, job) => this.put(job));
    this._stream.connectionChanged.connect((_, connected) => {
      this._connected = connected;
      // Jobs that ended while the stream was down are not sent again, so read the list.
      if (connected) void this.refresh();
      this._changed.emit(undefined);
    });
  }

  get owner(): string | null {
    return this._owner;
  }

  get connected(): boolean {
    return this._connected;
  }

  get error(): string | null {
    return this._error;
  }

  /** Emits the job that changed, or undefined when the whole list or the connection changed. */
  get changed(): ISignal<this, JobView | undefined> {
    return this._changed;
  }

  get(jobId: number): JobView | undefined {
    return this._jobs.get(jobId);
  }

  /** The user's jobs, newest first. */
  list(): JobView[] {
    return [...this._jobs.values()].sort((a, b) => b.job_id - a.job_id).slice(0, LISTED_JOBS);
  }

  /** The submission body of a job sent from this page, kept so the job can be sent again. */
  submissionOf(jobId: number): JobSubmission | undefined {
    return this._submissions.get(jobId);
  }

  async refresh(): Promise<void> {
    if (this._owner === null) return;
    try {
      const page = await requestJson<JobList>(`jobs?owner=${encodeURIComponent(this._owner)}&limit=${LISTED_JOBS}`);
      for (const job of page.jobs) this._jobs.set(job.job_id, job);
      this._error = null;
      this._changed.emit(undefined);
    } catch (error) {
      this.setError(error);
    }
  }

  /** Fetch one job, for a job that is not among the newest or belongs to another notebook session. */
  async load(jobId: number): Promise<JobView | undefined> {
    try {
      const job = await requestJson<JobView>(`jobs/${jobId}`);
      this.put(job);
      return job;
    } catch (error) {
      this.setError(error);
      return undefined;
    }
  }

  async submit(submission: JobSubmission): Promise<JobView> {
    const job = await postJson<JobView>('jobs', submission);
    this._submissions.set(job.job_id, submission);
    this.put(job);
    return job;
  }

  async cancel(jobId: number): Promise<JobView> {
    const job = await postJson<JobView>(`jobs/${jobId}/cancel`, {});
    this.put(job);
    return job;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._stream?.dispose();
    Signal.clearData(this);
  }

  private put(job: JobView): void {
    this._jobs.set(job.job_id, job);
    this._changed.emit(job);
  }

  private setError(error: unknown): void {
    this._error = error instanceof Error ? error.message : String(error);
    this._changed.emit(undefined);
  }

  private _disposed = false;
  private _owner: string | null = null;
  private _connected = false;
  private _error: string | null = null;
  private _stream: JobStream | null = null;
  private readonly _jobs = new Map<number, JobView>();
  private readonly _submissions = new Map<number, JobSubmission>();
  private readonly _changed = new Signal<this, JobView | undefined>(this);
}

import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { JobView } from './job-types';
import { proxyUrl } from './request';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/**
 * A Server-Sent Events connection to `GET /jobs/stream` through the proxy. The browser's
 * EventSource retries a dropped connection by itself, but gives up after an HTTP error (for
 * example a 502 while the scheduler restarts), so this class then opens a new one with
 * exponential backoff.
 */
export class JobStream implements IDisposable {
  constructor(private readonly query: Record<string, string>) {
    this.open();
  }

  /** Emits every job whose view changed, and the active jobs again after each (re)connection. */
  get jobChanged(): ISignal<this, JobView> {
    return this._jobChanged;
  }

  /** Emits true when the stream opens and false when it drops. */
  get connectionChanged(): ISignal<this, boolean> {
    return this._connectionChanged;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    window.clearTimeout(this._retryTimer);
    this._source?.close();
    Signal.clearData(this);
  }

  private open(): void {
    const settings = ServerConnection.makeSettings();
    const params = new URLSearchParams(this.query);
    // EventSource cannot send headers, so a token login travels as the query parameter Jupyter accepts.
    if (settings.token) params.set('token', settings.token);
    const url = `${proxyUrl('jobs/stream', settings)}?${params.toString()}`;

    const source = new EventSource(url, { withCredentials: true });
    this._source = source;
    source.addEventListener('open', () => {
      this._retryMs = FIRST_RETRY_MS;
      this._connectionChanged.emit(true);
    });
    source.addEventListener('job', (event) => {
      this.onJobEvent(event as MessageEvent<string>);
    });
    source.addEventListener('error', () => {
      this._connectionChanged.emit(false);
      if (source.readyState === EventSource.CLOSED) this.scheduleReopen();
    });
  }

  private onJobEvent(event: MessageEvent<string>): void {
    let job: JobView;
    try {
      job = JSON.parse(event.data) as JobView;
    } catch (error) {
      console.warn(`dofc: ignored a job event that is not JSON (${String(error)}): ${event.data.slice(0, 120)}`);
      return;
    }
    this._jobChanged.emit(job);
  }

  private scheduleReopen(): void {
    if (this._disposed) return;
    this._source?.close();
    this._retryTimer = window.setTimeout(() => this.open(), this._retryMs);
    this._retryMs = Math.min(this._retryMs * 2, MAX_RETRY_MS);
  }

  private _disposed = false;
  private _source: EventSource | null = null;
  private _retryMs = FIRST_RETRY_MS;
  private _retryTimer = 0;
  private readonly _jobChanged = new Signal<this, JobView>(this);
  private readonly _connectionChanged = new Signal<this, boolean>(this);
}

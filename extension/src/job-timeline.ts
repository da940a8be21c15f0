import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { JobEvent } from './api-types';
import { element, formatClock } from './format';
import type { JobStore } from './job-store';
import type { JobView } from './job-types';
import { errorMessage, requestJson } from './request';
import { renderJobStatus } from './status-view';
import type { CommandRegistry } from '@lumino/commands';
import { drawTimeline, eventTitle, laneOf } from './timeline-drawing';

/** How often the "now" line and the live ETA are redrawn between job changes. */
const REDRAW_MS = 5_000;

/**
 * One job's timeline: its events from `GET /jobs/{id}/events` drawn on a time axis, the status
 * line and the list of events. It reads the events again whenever the job store's event stream
 * reports a change of the job.
 */
export class JobTimeline extends Widget {
  constructor(
    readonly jobId: number,
    private readonly store: JobStore,
    private readonly trans: TranslationBundle,
    private readonly commands: CommandRegistry,
  ) {
    super();
    this.addClass('dofc-Timeline');
    this.node.dataset['jobId'] = String(jobId);
    this.node.append(this.status, this.message, this.drawing, this.list);
    store.changed.connect(this.onJobChanged, this);
    this.timer = window.setInterval(() => this.draw(), REDRAW_MS);
    void this.reload();
  }

  dispose(): void {
    window.clearInterval(this.timer);
    this.store.changed.disconnect(this.onJobChanged, this);
    super.dispose();
  }

  private onJobChanged(_: JobStore, job: JobView | undefined): void {
    if (job === undefined || job.job_id === this.jobId) void this.reload();
  }

  /** Read the job and its events; overlapping reloads collapse into one more after the current one. */
  private async reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return;
    }
    this.loading = true;
    try {
      const [job, page] = await Promise.all([
        this.store.get(this.jobId) ?? requestJson<JobView>(`jobs/${this.jobId}`),
        requestJson<{ events: JobEvent[] }>(`jobs/${this.jobId}/events`),
      ]);
      this.job = job;
      this.events = page.events;
      this.message.textContent = '';
      this.draw();
    } catch (error) {
      this.message.textContent = this.trans.__('Reading the events of job %1 failed: %2', this.jobId, errorMessage(error));
    } finally {
      this.loading = false;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        void this.reload();
      }
    }
  }

  private draw(): void {
    if (this.job === null || this.isDisposed) return;
    const now = new Date();
    renderJobStatus(this.status, this.job, this.trans, this.commands);
    this.node.dataset['state'] = this.job.state;
    this.drawing.replaceChildren(drawTimeline(this.job, this.events, now, this.trans));

    this.list.replaceChildren(
      ...this.events.map((event) => {
        const item = element('li', `dofc-Timeline-item dofc-lane-${laneOf(event)}`);
        item.dataset['type'] = event.type;
        item.append(
          element('time', 'dofc-Timeline-time', formatClock(new Date(event.at), now, true)),
          element('span', 'dofc-Timeline-title', eventTitle(event)),
          element('span', 'dofc-Timeline-message', event.message ?? ''),
        );
        return item;
      }),
    );
  }

  private job: JobView | null = null;
  private events: JobEvent[] = [];
  private loading = false;
  private reloadAgain = false;
  private readonly timer: number;
  private readonly status = element('div', 'dofc-Timeline-status');
  private readonly message = element('p', 'dofc-Sidebar-error');
  private readonly drawing = element('div', 'dofc-Timeline-drawing');
  private readonly list = element('ol', 'dofc-Timeline-list');
}

export function createTimelineWidget(jobId: number, store: JobStore, trans: TranslationBundle, commands: CommandRegistry): MainAreaWidget<JobTimeline> {
  const widget = new MainAreaWidget({ content: new JobTimeline(jobId, store, trans, commands) });
  widget.id = `dofc-timeline-${jobId}`;
  widget.title.label = trans.__('Job %1 timeline', jobId);
  widget.title.closable = true;
  return widget;
}

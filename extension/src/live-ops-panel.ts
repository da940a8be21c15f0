import type { TranslationBundle } from '@jupyterlab/translation';
import type { LiveOps } from './api-types';
import { element, formatClock } from './format';
import { queueChart, shareChart, sloChart, usageChart } from './live-ops-charts';
import { errorMessage, requestJson } from './request';

/** How often the panel reads `GET /ops/live` while it is shown. */
export const LIVE_OPS_REFRESH_MS = 5_000;

/**
 * The Live Ops section of the sidebar: cluster use over the recent hours, queues, fair shares
 * and the interactive signals, drawn as SVG. It polls only while it is visible, because the
 * view is computed from the store on each request.
 */
export class LiveOpsPanel {
  constructor(private readonly trans: TranslationBundle) {
    this.node.append(this.stamp, this.message, this.drawing);
  }

  readonly node = element('section', 'dofc-LiveOps');

  /** Start or stop polling; the sidebar calls this when the section is shown or hidden. */
  setActive(active: boolean): void {
    window.clearInterval(this.timer);
    this.timer = 0;
    if (!active) return;
    void this.refresh();
    this.timer = window.setInterval(() => void this.refresh(), LIVE_OPS_REFRESH_MS);
  }

  dispose(): void {
    window.clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    try {
      const live = await requestJson<LiveOps>('ops/live');
      this.message.textContent = '';
      this.render(live);
    } catch (error) {
      this.message.textContent = this.trans.__('Reading the live view failed: %1', errorMessage(error));
    }
  }

  private render(live: LiveOps): void {
    const trans = this.trans;
    this.stamp.textContent = trans.__('Updated %1', formatClock(new Date(live.at)));
    this.node.dataset['updated'] = live.at;

    const pause = element('p', 'dofc-LiveOps-pause');
    pause.textContent =
      live.pause_first === null
        ? trans.__('No heavy job may be paused now.')
        : trans.__('Paused first on an interactive breach: job %1 of %2 (%3, %4 cores)', live.pause_first.job_id, live.pause_first.owner, live.pause_first.priority, live.pause_first.cores);
    if (live.pause_first !== null) pause.dataset['jobId'] = String(live.pause_first.job_id);

    const legend = element('p', 'dofc-LiveOps-legend');
    legend.append(
      element('span', 'dofc-Legend-interactive', trans.__('interactive')),
      element('span', 'dofc-Legend-heavy', trans.__('heavy')),
      element('span', 'dofc-Legend-floor', trans.__('interactive floor')),
    );

    this.drawing.replaceChildren(
      usageChart(live.history.points, 'cores', live.capacity.cores, trans),
      usageChart(live.history.points, 'mem_gb', live.capacity.mem_gb, trans),
      legend,
      queueChart(live, trans),
      live.users.length > 0 ? shareChart(live, trans) : element('p', 'dofc-LiveOps-empty', trans.__('No user holds or waits for capacity.')),
      pause,
      sloChart(live, trans),
    );
  }

  private timer = 0;
  private readonly stamp = element('p', 'dofc-LiveOps-stamp');
  private readonly message = element('p', 'dofc-Sidebar-error');
  private readonly drawing = element('div', 'dofc-LiveOps-drawing');
}

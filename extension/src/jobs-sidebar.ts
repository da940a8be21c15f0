import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { JobStore } from './job-store';
import { isTerminal, type JobView } from './job-types';
import { CommandIDs } from './command-ids';
import { jobsIcon } from './icons';
import { LiveOpsPanel } from './live-ops-panel';
import { renderJobStatus, span } from './status-view';

export type SidebarTab = 'jobs' | 'ops';

/**
 * The DOFC sidebar. Its "My jobs" tab lists the user's newest jobs, live, with cancel, logs,
 * output, timeline and resubmit; its "Live Ops" tab draws the cluster's state.
 */
export class JobsSidebar extends Widget {
  constructor(
    private readonly store: JobStore,
    private readonly trans: TranslationBundle,
    private readonly commands: CommandRegistry,
  ) {
    super();
    this.id = 'dofc-jobs-sidebar';
    this.addClass('dofc-Sidebar');
    this.title.icon = jobsIcon;
    this.title.caption = trans.__('My DOFC jobs');

    const tabs = document.createElement('nav');
    tabs.className = 'dofc-Sidebar-tabs';
    tabs.setAttribute('role', 'tablist');
    tabs.append(this.tabButton('jobs', trans.__('My jobs')), this.tabButton('ops', trans.__('Live Ops')));

    const header = document.createElement('header');
    header.className = 'dofc-Sidebar-header';
    header.append(span('dofc-Sidebar-title', trans.__('My jobs')), this.connection, this.refreshButton());
    this.list.className = 'dofc-Sidebar-list';
    this.jobsSection.className = 'dofc-Sidebar-jobs';
    this.jobsSection.append(header, this.message, this.list);
    this.node.append(tabs, this.jobsSection, this.liveOps.node);

    store.changed.connect(this.render, this);
    this.render();
    this.showTab('jobs');
  }

  dispose(): void {
    this.store.changed.disconnect(this.render, this);
    this.liveOps.dispose();
    super.dispose();
  }

  /** Show one tab. Live Ops polls the scheduler only while its tab is shown and the sidebar is open. */
  showTab(tab: SidebarTab): void {
    this.tab = tab;
    for (const button of this.node.querySelectorAll<HTMLButtonElement>('.dofc-Sidebar-tab')) {
      const selected = button.dataset['tab'] === tab;
      button.classList.toggle('dofc-mod-selected', selected);
      button.setAttribute('aria-selected', String(selected));
    }
    this.jobsSection.hidden = tab !== 'jobs';
    this.liveOps.node.hidden = tab !== 'ops';
    this.liveOps.setActive(tab === 'ops' && this.isVisible);
  }

  protected onAfterShow(message: Message): void {
    super.onAfterShow(message);
    this.liveOps.setActive(this.tab === 'ops');
  }

  protected onAfterHide(message: Message): void {
    super.onAfterHide(message);
    this.liveOps.setActive(false);
  }

  private tabButton(tab: SidebarTab, text: string): HTMLButtonElement {
    const button = document.createElement('button');
    button.className = 'dofc-Sidebar-tab';
    button.dataset['tab'] = tab;
    button.setAttribute('role', 'tab');
    button.textContent = text;
    button.addEventListener('click', () => this.showTab(tab));
    return button;
  }

  private refreshButton(): HTMLButtonElement {
    const button = document.createElement('button');
    button.className = 'jp-mod-styled dofc-Sidebar-refresh';
    button.textContent = this.trans.__('Refresh');
    button.addEventListener('click', () => void this.store.refresh());
    return button;
  }

  private render(): void {
    this.connection.textContent = this.store.connected ? this.trans.__('live') : this.trans.__('reconnecting…');
    this.connection.className = `dofc-Sidebar-connection ${this.store.connected ? 'dofc-mod-live' : ''}`;
    this.message.textContent = this.store.error ?? '';

    const jobs = this.store.list();
    if (jobs.length === 0) {
      this.list.replaceChildren(span('dofc-Sidebar-empty', this.trans.__('No jobs yet. Submit a cell or a notebook.')));
      return;
    }
    this.list.replaceChildren(...jobs.map((job) => this.row(job)));
  }

  private row(job: JobView): HTMLElement {
    const item = document.createElement('li');
    item.className = 'dofc-JobRow';
    item.dataset['jobId'] = String(job.job_id);

    const title = span('dofc-JobRow-name', `${job.name ?? this.trans.__('job %1', job.job_id)} · ${job.label} · ${job.priority}`);
    const status = document.createElement('div');
    status.className = 'dofc-JobRow-status';
    renderJobStatus(status, job, this.trans, this.commands);

    const actions = document.createElement('div');
    actions.className = 'dofc-JobRow-actions';
    actions.append(
      this.action(this.trans.__('Cancel'), 'cancel', CommandIDs.cancelJob, job, !isTerminal(job.state)),
      this.action(this.trans.__('Logs'), 'logs', CommandIDs.showLogs, job, job.attempt > 0),
      this.action(this.trans.__('Output'), 'output', CommandIDs.openOutput, job, job.has_output),
      this.action(this.trans.__('Timeline'), 'timeline', CommandIDs.openTimeline, job, true),
      this.action(this.trans.__('Resubmit'), 'resubmit', CommandIDs.resubmitJob, job, this.commands.isEnabled(CommandIDs.resubmitJob, { jobId: job.job_id })),
    );
    item.append(title, status, actions);
    return item;
  }

  private action(text: string, name: string, command: string, job: JobView, enabled: boolean): HTMLButtonElement {
    const button = document.createElement('button');
    button.className = `jp-mod-styled dofc-JobRow-${name}`;
    button.textContent = text;
    button.disabled = !enabled;
    button.addEventListener('click', () => void this.commands.execute(command, { jobId: job.job_id }));
    return button;
  }

  private tab: SidebarTab = 'jobs';
  private readonly liveOps = new LiveOpsPanel(this.trans);
  private readonly jobsSection = document.createElement('section');
  private readonly connection = span('dofc-Sidebar-connection', '');
  private readonly message = span('dofc-Sidebar-error', '');
  private readonly list = document.createElement('ul');
}

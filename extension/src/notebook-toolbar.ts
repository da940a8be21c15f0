import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import type { JobStore } from './job-store';
import type { JobView } from './job-types';
import { otherLabel, readMetadata, updateMetadata } from './metadata';
import type { DofcSettings } from './settings';
import { renderJobStatus } from './status-view';

/** The notebook's L/H label as a toggle button in the notebook toolbar. */
export class NotebookLabelToggle extends Widget {
  constructor(
    private readonly panel: NotebookPanel,
    private readonly trans: TranslationBundle,
    private readonly settings: () => DofcSettings,
  ) {
    super({ node: document.createElement('button') });
    this.addClass('dofc-LabelToggle');
    this.addClass('jp-ToolbarButtonComponent');
    this.node.addEventListener('click', () => this.toggle());
    panel.context.ready.then(() => {
      panel.model?.metadataChanged.connect(this.refresh, this);
      this.refresh();
    }).catch((error: unknown) => console.warn(`dofc: ${panel.context.path} did not load: ${String(error)}`));
    this.refresh();
  }

  /** The stored label, or the default label from the settings when the notebook has none. */
  get label(): 'L' | 'H' {
    const model = this.panel.model;
    return (model !== null ? readMetadata(model).label : undefined) ?? this.settings().defaultLabel;
  }

  toggle(): void {
    const model = this.panel.model;
    if (model === null) return;
    updateMetadata(model, { label: otherLabel(this.label) });
  }

  refresh(): void {
    const label = this.label;
    this.node.textContent = label;
    this.node.dataset['label'] = label;
    this.node.title = label === 'L' ? this.trans.__('Light work (L): click to label this notebook heavy (H)') : this.trans.__('Heavy work (H): click to label this notebook light (L)');
  }
}

/** The status of the job last submitted for the whole notebook, in the notebook toolbar. */
export class NotebookJobStatus extends Widget {
  constructor(
    private readonly panel: NotebookPanel,
    private readonly store: JobStore,
    private readonly trans: TranslationBundle,
    private readonly commands: CommandRegistry,
  ) {
    super();
    this.addClass('dofc-NotebookStatus');
    store.changed.connect(this.onStoreChanged, this);
    panel.context.ready.then(() => {
      panel.model?.metadataChanged.connect(() => this.refresh(), this);
      this.refresh();
    }).catch(() => undefined);
  }

  dispose(): void {
    this.store.changed.disconnect(this.onStoreChanged, this);
    super.dispose();
  }

  private get jobId(): number | undefined {
    const model = this.panel.model;
    return model === null ? undefined : readMetadata(model).job_id;
  }

  private onStoreChanged(_: JobStore, job: JobView | undefined): void {
    if (job === undefined || job.job_id === this.jobId) this.refresh();
  }

  private refresh(): void {
    const jobId = this.jobId;
    if (jobId === undefined) {
      this.node.replaceChildren();
      this.hide();
      return;
    }
    const job = this.store.get(jobId);
    if (job === undefined) {
      void this.store.load(jobId);
      return;
    }
    this.show();
    renderJobStatus(this.node, job, this.trans, this.commands);
  }
}

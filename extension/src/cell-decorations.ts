import type { Cell, ICellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { PanelLayout } from '@lumino/widgets';
import { CellJobStatus } from './cell-status';
import type { JobStore } from './job-store';
import { readMetadata } from './metadata';
import type { DofcSettings } from './settings';

/**
 * Keep every cell of a notebook decorated from its `metadata.dofc`: a label badge and a setup
 * mark on the cell node (drawn by style/base.css), and the live status of the cell's last job
 * under its output. Runs again whenever cells are added or any cell's metadata changes.
 */
export class CellDecorations {
  constructor(
    private readonly panel: NotebookPanel,
    private readonly store: JobStore,
    private readonly trans: TranslationBundle,
    private readonly commands: CommandRegistry,
    private readonly settings: () => DofcSettings,
  ) {
    panel.content.modelChanged.connect(() => this.watchModel(), this);
    this.watchModel();
  }

  /** Decorate every cell again, for instance after the inline-status setting changed. */
  refreshAll(): void {
    for (const cell of this.panel.content.widgets) this.decorate(cell);
  }

  private watchModel(): void {
    const model = this.panel.content.model;
    if (model === null) return;
    model.cells.changed.connect(() => {
      this.watchCells();
      // New cell widgets are created after the list changes, so decorate on the next frame.
      requestAnimationFrame(() => this.refreshAll());
    }, this);
    this.watchCells();
    this.refreshAll();
  }

  private watchCells(): void {
    for (const model of this.panel.content.model?.cells ?? []) {
      if (this.watched.has(model)) continue;
      this.watched.add(model);
      model.metadataChanged.connect(() => this.decorateModel(model), this);
    }
  }

  private decorateModel(model: ICellModel): void {
    const cell = this.panel.content.widgets.find((widget) => widget.model === model);
    if (cell !== undefined) this.decorate(cell);
  }

  private decorate(cell: Cell): void {
    if (cell.isDisposed) return;
    const metadata = readMetadata(cell.model);

    if (metadata.label !== undefined) cell.node.dataset['dofcLabel'] = metadata.label;
    else delete cell.node.dataset['dofcLabel'];
    cell.toggleClass('dofc-mod-setup', metadata.setup === true);

    const layout = cell.layout as PanelLayout;
    const current = layout.widgets.find((widget): widget is CellJobStatus => widget instanceof CellJobStatus);
    const wanted = this.settings().inlineStatus && cell.model.type === 'code' ? metadata.job_id : undefined;
    if (current !== undefined && current.jobId === wanted) return;

    current?.dispose();
    if (wanted !== undefined) layout.addWidget(new CellJobStatus(this.store, wanted, this.trans, this.commands));
  }

  private readonly watched = new WeakSet<ICellModel>();
}

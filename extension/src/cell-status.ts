import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import type { JobStore } from './job-store';
import type { JobView } from './job-types';
import { renderJobStatus } from './status-view';

/** The status of the job last submitted from a cell, shown under that cell and updated live. */
export class CellJobStatus extends Widget {
  constructor(
    private readonly store: JobStore,
    readonly jobId: number,
    private readonly trans: TranslationBundle,
    private readonly commands: CommandRegistry,
  ) {
    super();
    this.addClass('dofc-CellStatus');
    this.store.changed.connect(this.onStoreChanged, this);

    const known = this.store.get(jobId);
    if (known !== undefined) this.renderJob(known);
    else void this.store.load(jobId);
  }

  dispose(): void {
    this.store.changed.disconnect(this.onStoreChanged, this);
    super.dispose();
  }

  private onStoreChanged(_: JobStore, job: JobView | undefined): void {
    if (job !== undefined && job.job_id !== this.jobId) return;
    const current = this.store.get(this.jobId);
    if (current !== undefined) this.renderJob(current);
  }

  private renderJob(job: JobView): void {
    renderJobStatus(this.node, job, this.trans, this.commands);
  }
}

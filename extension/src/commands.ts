import type { JupyterFrontEnd } from '@jupyterlab/application';
import { showErrorMessage, Notification } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandIDs } from './command-ids';
import { createLogWidget } from './job-logs';
import { createTimelineWidget } from './job-timeline';
import type { JobStore } from './job-store';
import type { JobSubmission, Label } from './job-types';
import { labelIcon, queueIcon } from './icons';
import { otherLabel, readMetadata, updateMetadata } from './metadata';
import { postJson, requestJson } from './request';
import type { DofcSettings } from './settings';
import type { PreflightAnalysis } from './api-types';
import { askSubmitOptions, type PreflightRunner, type SubmitOptions } from './submit-dialog';
import { cellSubmission, notebookSubmission } from './submission';

/** Folder, relative to the Jupyter root folder, that opened job outputs are saved in. */
export const OUTPUT_FOLDER = 'dofc-outputs';

export interface CommandContext {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  store: JobStore;
  trans: TranslationBundle;
  settings: () => DofcSettings;
  sidebarId: string;
}

/** Return the label a submission starts from: the cell's, else the notebook's, else the default setting. */
function effectiveLabel(context: CommandContext, panel: NotebookPanel, cell?: Cell): Label {
  const cellLabel = cell !== undefined ? readMetadata(cell.model).label : undefined;
  const notebookLabel = panel.model !== null ? readMetadata(panel.model).label : undefined;
  return cellLabel ?? notebookLabel ?? context.settings().defaultLabel;
}

/** Cycle a cell's label: unset (as the notebook), then L, then H, then unset again. */
function nextCellLabel(current: Label | undefined): Label | undefined {
  if (current === undefined) return 'L';
  if (current === 'L') return 'H';
  return undefined;
}

function jobIdOf(args: Record<string, unknown>): number {
  const jobId = Number(args['jobId']);
  if (!Number.isSafeInteger(jobId) || jobId <= 0) throw new Error(`jobId ${JSON.stringify(args['jobId'])} is invalid; pass the job's number.`);
  return jobId;
}

/** Build the runner that analyses a submission. The server's response includes the policy's planned start. */
function preflightFor(build: (options: SubmitOptions) => JobSubmission): PreflightRunner {
  return async (options) => ({ analysis: await postJson<PreflightAnalysis>('preflight', build(options)) });
}

async function reportFailure(title: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await showErrorMessage(title, message);
}

export function addCommands(context: CommandContext): void {
  const { app, tracker, store, trans } = context;
  const { commands } = app;
  const currentPanel = (): NotebookPanel | null => tracker.currentWidget;
  const activeCodeCell = (): Cell | null => {
    const cell = tracker.activeCell;
    return cell !== null && cell.model.type === 'code' ? cell : null;
  };

  commands.addCommand(CommandIDs.submitCell, {
    label: trans.__('Submit Cell to DOFC…'),
    caption: trans.__('Queue this cell, after the cells marked as setup, as a DOFC job'),
    icon: queueIcon,
    isEnabled: () => activeCodeCell() !== null,
    execute: async () => {
      const panel = currentPanel();
      const cell = activeCodeCell();
      if (panel === null || cell === null) return;
      const options = await askSubmitOptions(
        trans.__('Submit cell'),
        { label: effectiveLabel(context, panel, cell), priority: context.settings().defaultPriority },
        trans,
        preflightFor((choice) => cellSubmission(panel, cell, choice)),
      );
      if (options === null) return;
      try {
        const job = await store.submit(cellSubmission(panel, cell, options));
        updateMetadata(cell.model, { job_id: job.job_id });
        Notification.success(trans.__('Job %1 queued', job.job_id), { autoClose: 3000 });
      } catch (error) {
        await reportFailure(trans.__('Submitting the cell failed'), error);
      }
    },
  });

  commands.addCommand(CommandIDs.submitNotebook, {
    label: trans.__('Submit Notebook to DOFC…'),
    caption: trans.__('Queue the whole notebook as a DOFC job'),
    icon: queueIcon,
    isEnabled: () => currentPanel() !== null,
    execute: async () => {
      const panel = currentPanel();
      if (panel === null || panel.model === null) return;
      const options = await askSubmitOptions(
        trans.__('Submit notebook'),
        { label: effectiveLabel(context, panel), priority: context.settings().defaultPriority },
        trans,
        preflightFor((choice) => notebookSubmission(panel, choice)),
      );
      if (options === null) return;
      try {
        const job = await store.submit(notebookSubmission(panel, options));
        updateMetadata(panel.model, { job_id: job.job_id });
        Notification.success(trans.__('Job %1 queued', job.job_id), { autoClose: 3000 });
      } catch (error) {
        await reportFailure(trans.__('Submitting the notebook failed'), error);
      }
    },
  });

  commands.addCommand(CommandIDs.toggleNotebookLabel, {
    label: trans.__('Toggle Notebook Label (L/H)'),
    isEnabled: () => currentPanel()?.model != null,
    execute: () => {
      const panel = currentPanel();
      if (panel === null || panel.model === null) return;
      updateMetadata(panel.model, { label: otherLabel(effectiveLabel(context, panel)) });
    },
  });

  commands.addCommand(CommandIDs.toggleCellLabel, {
    label: () => {
      const cell = activeCodeCell();
      const label = cell !== null ? readMetadata(cell.model).label : undefined;
      return label === undefined ? trans.__('Cell Label: as notebook') : trans.__('Cell Label: %1', label);
    },
    caption: trans.__('Cycle this cell’s label: as the notebook, L (light), H (heavy)'),
    icon: labelIcon,
    isEnabled: () => activeCodeCell() !== null,
    execute: () => {
      const cell = activeCodeCell();
      if (cell === null) return;
      updateMetadata(cell.model, { label: nextCellLabel(readMetadata(cell.model).label) });
      commands.notifyCommandChanged(CommandIDs.toggleCellLabel);
    },
  });

  commands.addCommand(CommandIDs.toggleSetupCell, {
    label: trans.__('Mark Cell as DOFC Setup'),
    caption: trans.__('Setup cells run before every cell submitted from this notebook'),
    isToggled: () => {
      const cell = activeCodeCell();
      return cell !== null && readMetadata(cell.model).setup === true;
    },
    isEnabled: () => activeCodeCell() !== null,
    execute: () => {
      const cell = activeCodeCell();
      if (cell === null) return;
      updateMetadata(cell.model, { setup: readMetadata(cell.model).setup === true ? undefined : true });
    },
  });

  commands.addCommand(CommandIDs.openSidebar, {
    label: trans.__('Show My DOFC Jobs'),
    execute: () => app.shell.activateById(context.sidebarId),
  });

  commands.addCommand(CommandIDs.cancelJob, {
    label: trans.__('Cancel DOFC Job'),
    execute: async (args) => {
      try {
        const job = await store.cancel(jobIdOf(args));
        Notification.info(trans.__('Job %1 is %2', job.job_id, job.state), { autoClose: 3000 });
      } catch (error) {
        await reportFailure(trans.__('Cancelling the job failed'), error);
      }
    },
  });

  commands.addCommand(CommandIDs.showLogs, {
    label: trans.__('Show DOFC Job Log'),
    execute: (args) => {
      const widget = createLogWidget(jobIdOf(args), trans);
      app.shell.add(widget, 'main', { mode: 'split-bottom' });
      app.shell.activateById(widget.id);
    },
  });

  commands.addCommand(CommandIDs.openTimeline, {
    label: trans.__('Show DOFC Job Timeline'),
    execute: (args) => {
      const jobId = jobIdOf(args);
      const id = `dofc-timeline-${jobId}`;
      // One tab per job: a second request for the same job shows the open tab.
      if (![...app.shell.widgets('main')].some((widget) => widget.id === id)) {
        app.shell.add(createTimelineWidget(jobId, store, trans, commands), 'main', { mode: 'split-bottom' });
      }
      app.shell.activateById(id);
    },
  });

  commands.addCommand(CommandIDs.openOutput, {
    label: trans.__('Open DOFC Job Output'),
    execute: async (args) => {
      try {
        const jobId = jobIdOf(args);
        const notebook = await requestJson<Record<string, unknown>>(`jobs/${jobId}/output`);
        const contents = app.serviceManager.contents;
        await contents.get(OUTPUT_FOLDER, { content: false }).catch(() => contents.save(OUTPUT_FOLDER, { type: 'directory' }));
        const path = `${OUTPUT_FOLDER}/job-${jobId}.ipynb`;
        await contents.save(path, { type: 'notebook', format: 'json', content: notebook });
        await commands.execute('docmanager:open', { path });
      } catch (error) {
        await reportFailure(trans.__('Opening the output failed'), error);
      }
    },
  });

  commands.addCommand(CommandIDs.resubmitJob, {
    label: trans.__('Resubmit DOFC Job'),
    isEnabled: (args) => resubmission(store, Number(args['jobId'])) !== undefined,
    execute: async (args) => {
      const submission = resubmission(store, jobIdOf(args));
      if (submission === undefined) return;
      try {
        const job = await store.submit(submission);
        Notification.success(trans.__('Job %1 queued', job.job_id), { autoClose: 3000 });
      } catch (error) {
        await reportFailure(trans.__('Resubmitting the job failed'), error);
      }
    },
  });
}

/**
 * The body that sends a job again: the original body when it was submitted from this page, else
 * for a notebook job its file path, which the scheduler reads again. The scheduler keeps no
 * copy of a cell's source that a client can read, so other cell jobs cannot be resubmitted.
 */
export function resubmission(store: JobStore, jobId: number): JobSubmission | undefined {
  const original = store.submissionOf(jobId);
  if (original !== undefined) return original;

  const job = store.get(jobId);
  const source = job?.spec['source'] as { kind?: string; path?: unknown } | undefined;
  if (job === undefined || source?.kind !== 'notebook' || typeof source.path !== 'string') return undefined;
  return { label: job.label, priority: job.priority, ...(job.name !== null ? { name: job.name } : {}), source: { kind: 'notebook', path: source.path } };
}

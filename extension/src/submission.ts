import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { JobSubmission } from './job-types';
import { readMetadata } from './metadata';
import type { SubmitOptions } from './submit-dialog';

/**
 * Build the submission for one code cell: its source as `content`, and the sources of the
 * cells marked as setup, in notebook order, as `setup_cells`. The notebook's path makes its
 * folder the working directory, as when the cell runs in the notebook.
 */
export function cellSubmission(panel: NotebookPanel, cell: Cell, options: SubmitOptions): JobSubmission {
  const setupCells: string[] = [];
  for (const model of panel.content.model?.cells ?? []) {
    if (model.id === cell.model.id || model.type !== 'code') continue;
    if (readMetadata(model).setup === true) setupCells.push(model.sharedModel.getSource());
  }

  const index = panel.content.widgets.indexOf(cell);
  return {
    name: `${panel.context.path} cell ${index + 1}`,
    ...options,
    source: {
      kind: 'cell',
      path: panel.context.path,
      content: cell.model.sharedModel.getSource(),
      ...(setupCells.length > 0 ? { setup_cells: setupCells } : {}),
    },
  };
}

/** Build the submission for a whole notebook: the notebook as it is in the editor, saved or not. */
export function notebookSubmission(panel: NotebookPanel, options: SubmitOptions): JobSubmission {
  const model = panel.content.model;
  if (model === null) throw new Error(`The notebook ${panel.context.path} has no model yet; wait until it has loaded.`);
  return {
    name: panel.context.path,
    ...options,
    source: { kind: 'notebook', path: panel.context.path, content: JSON.stringify(model.toJSON()) },
  };
}

/** Command ids; the `dofc:` prefix keeps them apart from JupyterLab's own. */
export const CommandIDs = {
  submitCell: 'dofc:submit-cell',
  submitNotebook: 'dofc:submit-notebook',
  toggleNotebookLabel: 'dofc:toggle-notebook-label',
  toggleCellLabel: 'dofc:toggle-cell-label',
  toggleSetupCell: 'dofc:toggle-setup-cell',
  openSidebar: 'dofc:open-sidebar',
  cancelJob: 'dofc:cancel-job',
  openOutput: 'dofc:open-output',
  showLogs: 'dofc:show-logs',
  resubmitJob: 'dofc:resubmit-job',
  openTimeline: 'dofc:open-timeline',
  openAdmin: 'dofc:open-admin',
} as const;

import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { addAdminCommand } from './admin-command';
import { CellDecorations } from './cell-decorations';
import { CommandIDs } from './command-ids';
import { addCommands } from './commands';
import { JobStore } from './job-store';
import { JobsSidebar } from './jobs-sidebar';
import { LatencyReporter } from './latency-reporter';
import { NotebookJobStatus, NotebookLabelToggle } from './notebook-toolbar';
import { readSettings, type DofcSettings } from './settings';

/** The plugin id; its settings schema is `schema/plugin.json`. */
export const PLUGIN_ID = '@dofc/jupyterlab:plugin';

/** Translation domain of every user-facing string of the extension. */
export const TRANSLATION_DOMAIN = 'dofc';

const PALETTE_CATEGORY = 'DOFC';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Label, submit and follow DOFC jobs from notebooks.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, IToolbarWidgetRegistry, ICommandPalette, ILayoutRestorer, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
  ) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);

    let settings: DofcSettings = readSettings(null);
    const decorations = new Set<CellDecorations>();
    if (settingRegistry !== null) {
      try {
        const loaded = await settingRegistry.load(PLUGIN_ID);
        settings = readSettings(loaded);
        loaded.changed.connect(() => {
          settings = readSettings(loaded);
          for (const decoration of decorations) decoration.refreshAll();
        });
      } catch (error) {
        console.warn(`dofc: the settings of ${PLUGIN_ID} did not load, so the defaults apply: ${String(error)}`);
      }
    }
    const currentSettings = (): DofcSettings => settings;

    const store = new JobStore();
    void store.start();

    const sidebar = new JobsSidebar(store, trans, app.commands);
    app.shell.add(sidebar, 'right', { rank: 600 });
    restorer?.add(sidebar, sidebar.id);

    addCommands({ app, tracker, store, trans, settings: currentSettings, sidebarId: sidebar.id });
    if (palette !== null) {
      for (const command of [
        CommandIDs.submitCell,
        CommandIDs.submitNotebook,
        CommandIDs.toggleNotebookLabel,
        CommandIDs.toggleCellLabel,
        CommandIDs.toggleSetupCell,
        CommandIDs.openSidebar,
      ]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }
    void addAdminCommand(app, palette, trans, PALETTE_CATEGORY);

    if (toolbarRegistry !== null) {
      toolbarRegistry.addFactory<NotebookPanel>('Notebook', 'dofc-label', (panel) => new NotebookLabelToggle(panel, trans, currentSettings));
      toolbarRegistry.addFactory<NotebookPanel>('Notebook', 'dofc-status', (panel) => new NotebookJobStatus(panel, store, trans, app.commands));
    }

    tracker.widgetAdded.connect((_, panel) => {
      const decoration = new CellDecorations(panel, store, trans, app.commands, currentSettings);
      decorations.add(decoration);
      panel.disposed.connect(() => decorations.delete(decoration));
    });
    // The cell label command shows the active cell's label, so its toolbar button must redraw.
    tracker.activeCellChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.toggleCellLabel));
    new LatencyReporter(tracker, () => currentSettings().defaultLabel);
  },
};

export default plugin;

import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { createAdminWidget } from './admin-page';
import type { Me } from './api-types';
import { CommandIDs } from './command-ids';
import { errorMessage, requestJson } from './request';

/**
 * Add the admin page command, and its palette entry, only when `GET /me` returns the role
 * `admin`. Other users never see the command. The scheduler still rejects their admin requests
 * with 403, because hiding a command is no access control.
 */
export async function addAdminCommand(app: JupyterFrontEnd, palette: ICommandPalette | null, trans: TranslationBundle, category: string): Promise<void> {
  let me: Me;
  try {
    me = await requestJson<Me>('me');
  } catch (error) {
    console.warn(`dofc: GET /me failed, so the admin page is not offered: ${errorMessage(error)}`);
    return;
  }
  if (me.role !== 'admin') return;

  app.commands.addCommand(CommandIDs.openAdmin, {
    label: trans.__('Open DOFC Admin'),
    caption: trans.__('Caps, floors, calendar, reservations, approvals and the audit log'),
    execute: () => {
      if (![...app.shell.widgets('main')].some((widget) => widget.id === 'dofc-admin')) app.shell.add(createAdminWidget(trans), 'main');
      app.shell.activateById('dofc-admin');
    },
  });
  palette?.addItem({ command: CommandIDs.openAdmin, category });
}

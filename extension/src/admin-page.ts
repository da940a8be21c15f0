import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { AuditSection } from './admin-audit';
import { ApprovalsSection } from './admin-approvals';
import { PolicyForm } from './admin-policy-form';
import { ReservationsSection } from './admin-reservations';
import type { PolicySettingsView } from './api-types';
import { element } from './format';
import { errorMessage, requestJson } from './request';

/**
 * The admin page: policy caps and calendar, reservations, critical-lane approvals and the audit
 * log. The extension offers it only to admins, and the scheduler rejects every admin route for
 * anyone else, so the page contains no access rule of its own.
 */
export class AdminPage extends Widget {
  constructor(private readonly trans: TranslationBundle) {
    super();
    this.addClass('dofc-Admin');
    const reload = element('button', 'jp-mod-styled dofc-Admin-reload', trans.__('Reload'));
    reload.addEventListener('click', () => void this.refresh());
    const header = element('header', 'dofc-Admin-header');
    header.append(element('h1', '', trans.__('DOFC administration')), reload);
    this.node.append(header, this.message, this.policy.node, this.reservations.node, this.approvals.node, this.audit.node);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    await Promise.all([this.loadPolicy(), this.reservations.refresh(), this.approvals.refresh(), this.audit.refresh()]);
    this.node.dataset['loaded'] = 'true';
  }

  private async loadPolicy(): Promise<void> {
    try {
      this.policy.setValue(await requestJson<PolicySettingsView>('admin/policy'));
      this.message.textContent = '';
    } catch (error) {
      this.message.textContent = this.trans.__('Reading the policy failed: %1', errorMessage(error));
    }
  }

  private readonly message = element('p', 'dofc-Sidebar-error');
  // A saved policy is audited, so the log is read again to show the new entry.
  private readonly policy = new PolicyForm(this.trans, () => void this.audit.refresh());
  private readonly reservations = new ReservationsSection(this.trans);
  private readonly approvals = new ApprovalsSection(this.trans);
  private readonly audit = new AuditSection(this.trans);
}

export function createAdminWidget(trans: TranslationBundle): MainAreaWidget<AdminPage> {
  const widget = new MainAreaWidget({ content: new AdminPage(trans) });
  widget.id = 'dofc-admin';
  widget.title.label = trans.__('DOFC Admin');
  widget.title.closable = true;
  return widget;
}

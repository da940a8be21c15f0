import type { TranslationBundle } from '@jupyterlab/translation';
import type { AuditEntry } from './api-types';
import { element, formatClock } from './format';
import { errorMessage, requestJson, SchedulerError } from './request';

/** How many of the newest audit entries the page shows. */
const AUDIT_SHOWN = 50;

/** The newest entries of the audit log of privileged acts, from `GET /admin/audit`. */
export class AuditSection {
  constructor(private readonly trans: TranslationBundle) {
    this.node.dataset['section'] = 'audit';
    this.node.append(element('h2', '', trans.__('Audit log')), this.status, this.table);
  }

  readonly node = element('section', 'dofc-Admin-section dofc-Admin-audit');

  async refresh(): Promise<void> {
    try {
      const { entries } = await requestJson<{ entries: AuditEntry[] }>(`admin/audit?limit=${AUDIT_SHOWN}`);
      this.node.dataset['available'] = 'true';
      this.status.textContent = entries.length === 0 ? this.trans.__('No privileged act recorded yet.') : '';
      this.render(entries);
    } catch (error) {
      // Schedulers without an audit log return 404 for the route.
      if (error instanceof SchedulerError && error.status === 404) {
        this.node.dataset['available'] = 'false';
        this.status.textContent = this.trans.__('The audit log is not available on this scheduler.');
        this.table.replaceChildren();
        return;
      }
      this.status.textContent = this.trans.__('Reading the audit log failed: %1', errorMessage(error));
    }
  }

  private render(entries: AuditEntry[]): void {
    const head = element('tr', '');
    for (const title of [this.trans.__('When'), this.trans.__('Who'), this.trans.__('Action'), this.trans.__('Target'), this.trans.__('Change')]) {
      head.append(element('th', '', title));
    }
    const rows = entries.map((entry) => {
      const row = element('tr', 'dofc-Admin-auditEntry');
      row.dataset['action'] = entry.action;
      for (const text of [formatClock(new Date(entry.at)), entry.actor, entry.action, entry.target, `${summarize(entry.before)} → ${summarize(entry.after)}`]) {
        row.append(element('td', '', text));
      }
      return row;
    });
    this.table.replaceChildren(head, ...rows);
  }

  private readonly status = element('p', 'dofc-Admin-status');
  private readonly table = element('table', 'dofc-Admin-table');
}

/** Shorten a before or after value to one line. */
function summarize(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

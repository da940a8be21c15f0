import type { TranslationBundle } from '@jupyterlab/translation';
import { element, formatClock } from './format';
import type { JobList, JobView } from './job-types';
import { errorMessage, postJson, requestJson } from './request';

/** How many queued jobs the approvals list reads; P0 jobs are picked from them. */
const QUEUED_READ = 200;

/** Critical-lane approvals: queued P0 jobs, each with a button that approves it for the lane. */
export class ApprovalsSection {
  constructor(private readonly trans: TranslationBundle) {
    this.node.dataset['section'] = 'approvals';
    this.node.append(element('h2', '', trans.__('Critical-lane approvals')), this.status, this.list);
  }

  readonly node = element('section', 'dofc-Admin-section dofc-Admin-approvals');

  async refresh(): Promise<void> {
    try {
      const page = await requestJson<JobList>(`jobs?state=queued&limit=${QUEUED_READ}`);
      this.render(page.jobs.filter((job) => job.priority === 'P0'));
    } catch (error) {
      this.status.textContent = this.trans.__('Reading the queued jobs failed: %1', errorMessage(error));
    }
  }

  private render(jobs: JobView[]): void {
    if (jobs.length === 0) {
      this.list.replaceChildren(element('li', 'dofc-Admin-empty', this.trans.__('No queued P0 job.')));
      return;
    }
    this.list.replaceChildren(
      ...jobs.map((job) => {
        const item = element('li', 'dofc-Admin-approval');
        item.dataset['jobId'] = String(job.job_id);
        const approval = job.critical_approval;
        // Approving an approved job again renews the approval, so the button stays with another name.
        const approve = element(
          'button',
          'jp-mod-styled dofc-Admin-approve',
          approval === null ? this.trans.__('Approve critical lane') : this.trans.__('Renew approval'),
        );
        approve.addEventListener('click', () => void this.approve(job.job_id));
        const summary = this.trans.__('#%1 %2 by %3, queued since %4', job.job_id, job.name ?? '', job.owner, formatClock(new Date(job.submitted_at)));
        const state =
          approval === null
            ? this.trans.__('not approved')
            : this.trans.__('approved by %1 at %2', approval.by, formatClock(new Date(approval.at)));
        item.dataset['approved'] = String(approval !== null);
        item.append(element('span', '', summary), element('span', 'dofc-Admin-approvalState', state), approve);
        return item;
      }),
    );
  }

  private async approve(jobId: number): Promise<void> {
    try {
      await postJson<JobView>(`admin/jobs/${jobId}/approve-critical`, {});
      this.status.textContent = this.trans.__('Job %1 may use the critical lane.', jobId);
      await this.refresh();
    } catch (error) {
      this.status.textContent = this.trans.__('Approving job %1 failed: %2', jobId, errorMessage(error));
    }
  }

  private readonly status = element('p', 'dofc-Admin-status');
  private readonly list = element('ul', 'dofc-Admin-list');
}

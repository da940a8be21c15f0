import type { CommandRegistry } from '@lumino/commands';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { JobView } from './job-types';
import { CommandIDs } from './command-ids';
import { describeJob } from './status-text';

/**
 * Fill `host` with a job's status: state, position, planned start, ETA, waiting reason, a
 * progress bar and, once the job has an executed notebook, a link that opens it. The inline
 * cell status, the notebook toolbar and the sidebar all render through this one function.
 */
export function renderJobStatus(host: HTMLElement, job: JobView, trans: TranslationBundle, commands: CommandRegistry): void {
  const facts = describeJob(job, trans);
  host.replaceChildren();
  host.dataset['state'] = job.state;
  host.dataset['jobId'] = String(job.job_id);

  const line = document.createElement('div');
  line.className = 'dofc-Status-line';
  line.append(
    span('dofc-Status-id', `#${job.job_id}`),
    span(`dofc-Status-state dofc-state-${job.state}`, facts.state),
  );
  for (const [className, text] of [
    ['dofc-Status-position', facts.position],
    ['dofc-Status-planned', facts.plannedStart],
    ['dofc-Status-eta', facts.eta],
  ] as const) {
    if (text !== null) line.append(span(className, text));
  }
  host.append(line);

  if (facts.progress !== null) {
    const bar = document.createElement('div');
    bar.className = 'dofc-Progress';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', String(Math.round(facts.progress.fraction * 100)));
    const fill = document.createElement('div');
    fill.className = 'dofc-Progress-fill';
    fill.style.width = `${(facts.progress.fraction * 100).toFixed(1)}%`;
    bar.append(fill);
    host.append(bar, span('dofc-Progress-text', facts.progress.text));
  }

  if (facts.reason !== null) host.append(span('dofc-Status-reason', facts.reason));

  if (job.has_output) {
    const link = document.createElement('a');
    link.className = 'dofc-OutputLink';
    link.href = '#';
    link.textContent = trans.__('Open output');
    link.addEventListener('click', (event) => {
      event.preventDefault();
      void commands.execute(CommandIDs.openOutput, { jobId: job.job_id });
    });
    host.append(link);
  }
}

export function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

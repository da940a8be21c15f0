import type { TranslationBundle } from '@jupyterlab/translation';
import type { PreflightAnalysis } from './api-types';
import { element, formatClock, formatDuration, formatGb } from './format';

/** Fill `host` with a pre-flight analysis: estimates, the planned start, risk flags and the label verdict. */
export function renderPreflight(host: HTMLElement, analysis: PreflightAnalysis, trans: TranslationBundle): void {
  host.replaceChildren();
  host.dataset['status'] = 'done';

  const facts = element('dl', 'dofc-Preflight-facts');
  const fact = (name: string, title: string, value: string): void => {
    const term = element('dt', '', title);
    const detail = element('dd', `dofc-Preflight-${name}`, value);
    facts.append(term, detail);
  };
  const unknown = trans.__('unknown');
  fact('eta', trans.__('Run time p50 / p90'), analysis.eta_p50_s === null ? unknown : `${formatDuration(analysis.eta_p50_s)} / ${analysis.eta_p90_s === null ? unknown : formatDuration(analysis.eta_p90_s)}`);
  const clock = (time: string | null): string => (time === null ? unknown : formatClock(new Date(time)));
  fact('planned', trans.__('Planned start'), analysis.planned_start === null ? trans.__('not promised') : clock(analysis.planned_start));
  fact('plannedReason', trans.__('Start reason'), analysis.planned_start_reason.message);
  fact('finish', trans.__('Finish p50 / p90'), `${clock(analysis.finish_eta_p50)} / ${clock(analysis.finish_eta_p90)}`);
  fact('shuffle', trans.__('Shuffle estimate'), formatGb(analysis.est_shuffle_gb));
  fact('cost', trans.__('Core-hours'), analysis.cost_core_hours === null ? unknown : analysis.cost_core_hours.toFixed(2));
  host.append(facts);

  host.append(verdict(analysis, trans));

  if (analysis.flags.length > 0) {
    const list = element('ul', 'dofc-Preflight-flags');
    for (const flag of analysis.flags) {
      const item = element('li', `dofc-Preflight-flag dofc-mod-${flag.severity}`);
      item.dataset['flag'] = flag.id;
      const where = flag.cell === null ? trans.__('line %1', flag.line) : trans.__('cell %1, line %2', flag.cell + 1, flag.line);
      item.append(
        element('span', 'dofc-Preflight-severity', flag.severity),
        element('span', 'dofc-Preflight-where', where),
        element('span', 'dofc-Preflight-message', flag.message),
        element('span', 'dofc-Preflight-fix', trans.__('Fix: %1', flag.fix)),
      );
      list.append(item);
    }
    host.append(list);
  } else {
    host.append(element('p', 'dofc-Preflight-noflags', trans.__('No risks found.')));
  }
}

function verdict(analysis: PreflightAnalysis, trans: TranslationBundle): HTMLElement {
  const { requested, verdict: label, moved, reason, pool } = analysis.label;
  const box = element('div', `dofc-Preflight-verdict ${moved ? 'dofc-mod-moved' : ''}`);
  box.dataset['moved'] = String(moved);
  if (!moved) {
    box.textContent = trans.__('Label %1 kept: runs in the %2 pool.', label, pool);
    return box;
  }
  box.append(
    element('strong', 'dofc-Preflight-move', trans.__('Label %1 → %2', requested, label)),
    element('span', 'dofc-Preflight-reason', reason?.message ?? trans.__('The scheduler moved the job to the %1 pool.', pool)),
  );
  return box;
}

/** Show the spinner of a running analysis. */
export function renderPreflightPending(host: HTMLElement, trans: TranslationBundle): void {
  host.dataset['status'] = 'running';
  host.replaceChildren(element('div', 'dofc-Spinner'), element('span', 'dofc-Preflight-pending', trans.__('Running pre-flight analysis…')));
}

/** Show why the analysis failed; the user may still queue the job. */
export function renderPreflightError(host: HTMLElement, message: string, trans: TranslationBundle): void {
  host.dataset['status'] = 'failed';
  host.replaceChildren(
    element('p', 'dofc-Preflight-error', trans.__('Pre-flight failed: %1', message)),
    element('p', 'dofc-Preflight-hint', trans.__('You can still queue the job; the scheduler analyses it again.')),
  );
}

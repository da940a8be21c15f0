import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { PreflightAnalysis } from './api-types';
import { LABELS, PRIORITIES, type Label, type Priority } from './job-types';
import { renderPreflight, renderPreflightError, renderPreflightPending } from './preflight-view';
import { errorMessage } from './request';

/** The hour at which off-peak starts, local time; the CLI's `--not-before off-peak` uses the same. */
export const OFF_PEAK_HOUR = 19;

export type StartChoice = 'now' | 'off-peak' | 'at';

/** What the user chose in the dialog, in the JobSpec's terms. */
export interface SubmitOptions {
  label: Label;
  priority: Priority;
  not_before?: string;
  deadline?: string;
}

/** The next local `OFF_PEAK_HOUR`:00, today if it is still ahead, else tomorrow. */
export function nextOffPeak(now: Date): Date {
  const start = new Date(now);
  start.setHours(OFF_PEAK_HOUR, 0, 0, 0);
  if (start.getTime() <= now.getTime()) start.setDate(start.getDate() + 1);
  return start;
}

/** Convert an `<input type="datetime-local">` value to an ISO date-time, or throw naming the value. */
export function localInputToIso(value: string, field: string): string {
  const parsed = new Date(value);
  if (value === '' || Number.isNaN(parsed.getTime())) {
    throw new Error(`${field} "${value}" is not a date and time; pick one in the field or leave it empty.`);
  }
  return parsed.toISOString();
}

/** The pre-flight result the dialog shows. Its analysis includes the policy's planned start. */
export interface PreflightResult {
  analysis: PreflightAnalysis;
}

/** Runs `POST /preflight` for the submission the options describe. */
export type PreflightRunner = (options: SubmitOptions) => Promise<PreflightResult>;

/** The dialog body: label, priority, start and deadline, and the pre-flight analysis of that choice. */
class SubmitForm extends Widget {
  constructor(
    private readonly defaults: { label: Label; priority: Priority },
    private readonly trans: TranslationBundle,
    private readonly preflight: PreflightRunner | null,
  ) {
    super();
    this.addClass('dofc-SubmitForm');
    this.node.append(
      this.row(trans.__('Label'), this.select('dofc-label', LABELS, defaults.label, (value) => (value === 'L' ? trans.__('L — light, interactive') : trans.__('H — heavy')))),
      this.row(trans.__('Priority'), this.select('dofc-priority', PRIORITIES, defaults.priority, (value) => value)),
      this.row(trans.__('Start'), this.startChoices()),
      this.row(trans.__('Deadline'), this.input('dofc-deadline', 'datetime-local')),
    );
    if (preflight !== null) {
      this.addClass('dofc-mod-withPreflight');
      this.preflightHost.className = 'dofc-Preflight';
      this.node.append(this.preflightHost);
      // The analysis depends on the label, so a new label needs a new analysis.
      this.field<HTMLSelectElement>('dofc-label').addEventListener('change', () => void this.runPreflight());
      void this.runPreflight();
    }
  }

  /** Analyse the current choice; a reply to an earlier choice that arrives late is dropped. */
  private async runPreflight(): Promise<void> {
    if (this.preflight === null) return;
    const run = ++this.preflightRun;
    renderPreflightPending(this.preflightHost, this.trans);
    try {
      const result = await this.preflight(this.getValue());
      if (run === this.preflightRun) renderPreflight(this.preflightHost, result.analysis, this.trans);
    } catch (error) {
      if (run === this.preflightRun) renderPreflightError(this.preflightHost, errorMessage(error), this.trans);
    }
  }

  private preflightRun = 0;
  private readonly preflightHost = document.createElement('section');

  getValue(): SubmitOptions {
    const label = this.field<HTMLSelectElement>('dofc-label').value as Label;
    const priority = this.field<HTMLSelectElement>('dofc-priority').value as Priority;
    const options: SubmitOptions = { label: label ?? this.defaults.label, priority: priority ?? this.defaults.priority };

    const start = (this.node.querySelector('input[name="dofc-start"]:checked') as HTMLInputElement | null)?.value as StartChoice | undefined;
    if (start === 'off-peak') options.not_before = nextOffPeak(new Date()).toISOString();
    if (start === 'at') options.not_before = localInputToIso(this.field<HTMLInputElement>('dofc-start-at').value, this.trans.__('Start time'));

    const deadline = this.field<HTMLInputElement>('dofc-deadline').value;
    if (deadline !== '') options.deadline = localInputToIso(deadline, this.trans.__('Deadline'));
    return options;
  }

  private field<T extends HTMLElement>(name: string): T {
    return this.node.querySelector(`[name="${name}"]`) as T;
  }

  private row(title: string, control: HTMLElement): HTMLElement {
    const label = document.createElement('label');
    label.className = 'dofc-SubmitForm-row';
    const caption = document.createElement('span');
    caption.className = 'dofc-SubmitForm-caption';
    caption.textContent = title;
    label.append(caption, control);
    return label;
  }

  private select<T extends string>(name: string, values: readonly T[], selected: T, text: (value: T) => string): HTMLSelectElement {
    const select = document.createElement('select');
    select.name = name;
    select.className = 'jp-mod-styled';
    for (const value of values) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text(value);
      option.selected = value === selected;
      select.append(option);
    }
    return select;
  }

  private input(name: string, type: string): HTMLInputElement {
    const input = document.createElement('input');
    input.name = name;
    input.type = type;
    input.className = 'jp-mod-styled';
    return input;
  }

  private startChoices(): HTMLElement {
    const group = document.createElement('div');
    group.className = 'dofc-SubmitForm-start';
    const choices: Array<[StartChoice, string]> = [
      ['now', this.trans.__('Now')],
      ['off-peak', this.trans.__('Off-peak (from %1:00)', OFF_PEAK_HOUR)],
      ['at', this.trans.__('At')],
    ];
    for (const [value, text] of choices) {
      const label = document.createElement('label');
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'dofc-start';
      radio.value = value;
      radio.checked = value === 'now';
      label.append(radio, document.createTextNode(` ${text}`));
      group.append(label);
    }
    const at = this.input('dofc-start-at', 'datetime-local');
    at.addEventListener('focus', () => {
      (group.querySelector('input[value="at"]') as HTMLInputElement).checked = true;
    });
    group.append(at);
    return group;
  }
}

/**
 * Ask for the submission options, showing the pre-flight analysis of the choice when `preflight`
 * is given; resolves to null when the user cancels.
 */
export async function askSubmitOptions(
  title: string,
  defaults: { label: Label; priority: Priority },
  trans: TranslationBundle,
  preflight: PreflightRunner | null = null,
): Promise<SubmitOptions | null> {
  const result = await showDialog<SubmitOptions>({
    title,
    body: new SubmitForm(defaults, trans, preflight),
    buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.okButton({ label: trans.__('Queue') })],
    focusNodeSelector: 'select',
  });
  if (!result.button.accept) return null;
  return result.value;
}

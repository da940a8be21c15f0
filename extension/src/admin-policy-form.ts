import type { TranslationBundle } from '@jupyterlab/translation';
import type { EditablePolicy, PolicySettingsView } from './api-types';
import { element } from './format';
import { putJson } from './request';
import { ResourceTable, textInput } from './resource-table';

/**
 * The policy part of the admin page: heavy caps and executor ceilings of users and teams, the
 * interactive floor, business hours, time zone and holidays. Saving sends the edited sections
 * with the version that was read, so a concurrent save by another admin is rejected (409)
 * instead of overwritten.
 */
export class PolicyForm {
  constructor(
    private readonly trans: TranslationBundle,
    private readonly onSaved: (view: PolicySettingsView) => void,
  ) {
    this.node.dataset['section'] = 'policy';
    const save = element('button', 'jp-mod-styled jp-mod-accept dofc-Admin-savePolicy', trans.__('Save policy'));
    save.type = 'button';
    save.addEventListener('click', () => void this.save());

    this.node.append(
      element('h2', '', trans.__('Caps and limits')),
      this.field('maxRunningPerUser', trans.__('Heavy jobs running per user'), 'number'),
      element('h3', '', trans.__('Team heavy caps (all heavy jobs of the team together)')),
      this.teamCaps.node,
      element('h3', '', trans.__('Executor ceilings per user (one job at most; wins over the team)')),
      this.userCeilings.node,
      element('h3', '', trans.__('Executor ceilings per team (one job at most)')),
      this.teamCeilings.node,
      element('h2', '', trans.__('Pool floors and calendar')),
      this.field('businessShare', trans.__('Interactive floor in business hours (0.25–0.35)'), 'number'),
      this.field('offHoursShare', trans.__('Interactive floor off hours'), 'number'),
      this.field('timeZone', trans.__('Time zone (IANA)'), 'text'),
      this.field('businessStart', trans.__('Business hours start (HH:MM)'), 'text'),
      this.field('businessEnd', trans.__('Business hours end (HH:MM)'), 'text'),
      this.field('businessDays', trans.__('Business days (1 = Monday … 7 = Sunday, comma separated)'), 'text'),
      this.field('holidays', trans.__('Holidays (YYYY-MM-DD, comma separated)'), 'text'),
      this.status,
      save,
    );
  }

  readonly node = element('section', 'dofc-Admin-section dofc-Admin-policy');

  /** Fill the form from the effective settings, which include every default. */
  setValue(view: PolicySettingsView): void {
    this.view = view;
    const policy = view.effective;
    this.input('maxRunningPerUser').value = String(policy.heavy.maxRunningPerUser);
    this.teamCaps.setValue(policy.heavy.teamCaps);
    this.userCeilings.setValue(policy.heavy.executorCeilings.users);
    this.teamCeilings.setValue(policy.heavy.executorCeilings.teams);
    this.input('businessShare').value = String(policy.floor.businessShare);
    this.input('offHoursShare').value = String(policy.floor.offHoursShare);
    this.input('timeZone').value = policy.timeZone;
    this.input('businessStart').value = policy.calendar.businessStart;
    this.input('businessEnd').value = policy.calendar.businessEnd;
    this.input('businessDays').value = policy.calendar.businessDays.join(', ');
    this.input('holidays').value = policy.calendar.holidays.join(', ');
    this.status.textContent = this.trans.__('Version %1, saved by %2', view.version, view.updated_by ?? this.trans.__('nobody (defaults)'));
  }

  /** Return the stored settings with the sections this form edits replaced by the form's values. */
  readSettings(): Record<string, unknown> {
    if (this.view === null) throw new Error(this.trans.__('The policy has not loaded yet; wait for it or reload the page.'));
    const effective = this.view.effective;
    const edited: Pick<EditablePolicy, 'timeZone' | 'calendar' | 'floor' | 'heavy'> = {
      timeZone: this.input('timeZone').value.trim(),
      calendar: {
        ...effective.calendar,
        businessStart: this.input('businessStart').value.trim(),
        businessEnd: this.input('businessEnd').value.trim(),
        businessDays: listOf(this.input('businessDays').value).map(Number),
        holidays: listOf(this.input('holidays').value),
      },
      floor: { businessShare: Number(this.input('businessShare').value), offHoursShare: Number(this.input('offHoursShare').value) },
      heavy: {
        maxRunningPerUser: Number(this.input('maxRunningPerUser').value),
        teamCaps: this.teamCaps.getValue(),
        executorCeilings: { users: this.userCeilings.getValue(), teams: this.teamCeilings.getValue() },
      },
    };
    return { ...this.view.settings, ...edited };
  }

  private async save(): Promise<void> {
    this.node.dataset['saved'] = 'pending';
    try {
      const settings = this.readSettings();
      const view = await putJson<PolicySettingsView>('admin/policy', { settings, expected_version: this.view?.version });
      this.setValue(view);
      this.node.dataset['saved'] = String(view.version);
      this.onSaved(view);
    } catch (error) {
      this.node.dataset['saved'] = 'failed';
      // The scheduler's message names the invalid setting and its accepted range.
      this.status.textContent = this.trans.__('Saving failed: %1', error instanceof Error ? error.message : String(error));
    }
  }

  private field(name: string, title: string, type: string): HTMLElement {
    const label = element('label', 'dofc-Admin-field');
    label.append(element('span', 'dofc-Admin-caption', title), textInput(name, '', type));
    return label;
  }

  private input(name: string): HTMLInputElement {
    return this.node.querySelector(`.dofc-Admin-field input[name="${name}"]`) as HTMLInputElement;
  }

  private view: PolicySettingsView | null = null;
  private readonly status = element('p', 'dofc-Admin-status');
  private readonly teamCaps = new ResourceTable('team-caps', this.trans.__('Team'), this.trans);
  private readonly userCeilings = new ResourceTable('ceiling-users', this.trans.__('User'), this.trans);
  private readonly teamCeilings = new ResourceTable('ceiling-teams', this.trans.__('Team'), this.trans);
}

function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

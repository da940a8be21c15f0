import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { Label, Priority } from './job-types';

/** The user settings of `schema/plugin.json`, read with their schema defaults applied. */
export interface DofcSettings {
  schedulerUrl: string;
  defaultLabel: Label;
  defaultPriority: Priority;
  inlineStatus: boolean;
}

export const DEFAULT_SETTINGS: DofcSettings = {
  schedulerUrl: '',
  defaultLabel: 'L',
  defaultPriority: 'P2',
  inlineStatus: true,
};

export function readSettings(settings: ISettingRegistry.ISettings | null): DofcSettings {
  if (settings === null) return { ...DEFAULT_SETTINGS };
  const composite = settings.composite as Partial<Record<keyof DofcSettings, unknown>>;
  const label = composite.defaultLabel;
  const priority = composite.defaultPriority;
  return {
    schedulerUrl: typeof composite.schedulerUrl === 'string' ? composite.schedulerUrl : DEFAULT_SETTINGS.schedulerUrl,
    defaultLabel: label === 'L' || label === 'H' ? label : DEFAULT_SETTINGS.defaultLabel,
    defaultPriority: priority === 'P0' || priority === 'P1' || priority === 'P2' ? priority : DEFAULT_SETTINGS.defaultPriority,
    inlineStatus: typeof composite.inlineStatus === 'boolean' ? composite.inlineStatus : DEFAULT_SETTINGS.inlineStatus,
  };
}

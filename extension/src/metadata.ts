import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { Label } from './job-types';

/** The metadata key, on the notebook and on each cell, under which DOFC keeps its values. */
export const METADATA_KEY = 'dofc';

/**
 * The values DOFC stores in `metadata.dofc`. `label` is the work's weight, `setup` marks a cell that
 * runs before every submitted cell, and `job_id` is the last job submitted from it, so its
 * status shows again when the notebook is reopened.
 */
export interface DofcMetadata {
  label?: Label;
  setup?: boolean;
  job_id?: number;
}

type MetadataOwner = Pick<ICellModel | INotebookModel, 'getMetadata' | 'setMetadata'>;

export function readMetadata(model: MetadataOwner): DofcMetadata {
  const value = model.getMetadata(METADATA_KEY) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const raw = value as Record<string, unknown>;
  const metadata: DofcMetadata = {};
  if (raw['label'] === 'L' || raw['label'] === 'H') metadata.label = raw['label'];
  if (raw['setup'] === true) metadata.setup = true;
  if (typeof raw['job_id'] === 'number' && Number.isSafeInteger(raw['job_id'])) metadata.job_id = raw['job_id'];
  return metadata;
}

/** Merge `patch` into the stored values; an undefined field is removed. */
export function updateMetadata(model: MetadataOwner, patch: Partial<Record<keyof DofcMetadata, DofcMetadata[keyof DofcMetadata] | undefined>>): void {
  const next: Record<string, unknown> = { ...readMetadata(model) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  model.setMetadata(METADATA_KEY, next);
}

export function otherLabel(label: Label): Label {
  return label === 'L' ? 'H' : 'L';
}

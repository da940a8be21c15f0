import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Folder of the shared test data (traces, notebooks, event logs). Set DOFC_SHARED_DATA to move
 * it; the default is the `shared/data` folder beside the checkout.
 */
export const SHARED_DATA = process.env['DOFC_SHARED_DATA'] ?? path.resolve(REPO_ROOT, '../shared/data');

/** Return the path of a shared data file, or null when the data is absent. */
export function sharedDataPath(relative: string): string | null {
  const full = path.join(SHARED_DATA, relative);
  return existsSync(full) ? full : null;
}

/** Build the title a skipped suite shows when shared data is missing. */
export function missingDataMessage(relative: string): string {
  return `shared data ${relative} not found under ${SHARED_DATA}; set DOFC_SHARED_DATA to the folder that holds it`;
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactInLogs } from '../logger.js';

/** The source of the shared secret: a value, or a file that contains it. */
export type SharedSecretSource =
  | { kind: 'value'; value: string }
  | { kind: 'file'; file: string; createIfMissing: boolean };

/** The file name of the secret that `dofc serve` creates in its data folder when none is configured. */
export const DEFAULT_SECRET_FILE_NAME = 'shared-secret';

/** Shorter secrets make the HMAC guessable; 32 random bytes in hex are 64 characters. */
export const MIN_SECRET_LENGTH = 16;

/**
 * Picks the secret source: DOFC_SHARED_SECRET, then DOFC_SHARED_SECRET_FILE, then the default file
 * in the data folder, which `dofc serve` creates on first start.
 */
export function sharedSecretSource(env: NodeJS.ProcessEnv, dataDir: string): SharedSecretSource {
  const value = env['DOFC_SHARED_SECRET'];
  if (value !== undefined && value !== '') return { kind: 'value', value };
  const file = env['DOFC_SHARED_SECRET_FILE'];
  if (file !== undefined && file !== '') return { kind: 'file', file: path.resolve(file), createIfMissing: false };
  return { kind: 'file', file: path.join(dataDir, DEFAULT_SECRET_FILE_NAME), createIfMissing: true };
}

/** Reads the secret, creating the default file with mode 0600 if it is allowed and missing. */
export function loadSharedSecret(source: SharedSecretSource): Buffer {
  if (source.kind === 'value') return checkedSecret(source.value, 'DOFC_SHARED_SECRET');

  if (!existsSync(source.file)) {
    if (!source.createIfMissing) {
      throw new Error(`The shared secret file ${source.file} does not exist; create it with a random secret, for example "openssl rand -hex 32 > ${source.file}".`);
    }
    mkdirSync(path.dirname(source.file), { recursive: true });
    // The flag 'wx' fails if another process created the file in between, instead of overwriting it.
    writeFileSync(source.file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return checkedSecret(readFileSync(source.file, 'utf8'), source.file);
}

/** Surrounding whitespace is dropped, so a file written by `echo` matches the Python proxy's value. */
function checkedSecret(raw: string, origin: string): Buffer {
  const secret = raw.trim();
  // Field-name redaction misses the value when it appears inside a message or an error.
  redactInLogs(secret);
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The shared secret from ${origin} is ${secret.length} characters long; use at least ${MIN_SECRET_LENGTH}, for example the output of "openssl rand -hex 32".`);
  }
  return Buffer.from(secret, 'utf8');
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './client.js';

/**
 * Returns the token file that `dofc token create --save` writes and every command reads when
 * DOFC_TOKEN is unset: DOFC_TOKEN_FILE, else `$XDG_CONFIG_HOME/dofc/token`, else `~/.config/dofc/token`.
 */
export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['DOFC_TOKEN_FILE'];
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const configHome = env['XDG_CONFIG_HOME'] || path.join(os.homedir(), '.config');
  return path.join(configHome, 'dofc', 'token');
}

/** Returns the personal API token from DOFC_TOKEN or the token file, or null when there is none. */
export function findApiToken(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env['DOFC_TOKEN'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();

  const file = tokenFilePath(env);
  if (!existsSync(file)) return null;
  const token = readFileSync(file, 'utf8').trim();
  return token === '' ? null : token;
}

/** Writes the token to the token file, readable by its owner only. */
export function saveApiToken(token: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = tokenFilePath(env);
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  } catch (error) {
    throw new CliError(`Cannot write the token to ${file} (${(error as Error).message}); set DOFC_TOKEN_FILE to a writable path or copy the token from --json output.`, EXIT.failure);
  }
  return file;
}

import { DEFAULT_PORT } from '../config.js';
import { findApiToken } from './credentials.js';

/** Exit codes of every dofc command. */
export const EXIT = { ok: 0, failure: 1, invalidInput: 2 } as const;

/** An error that ends the command with a message and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function serverUrl(option: string | undefined): string {
  return (option ?? process.env['DOFC_URL'] ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, '');
}

/**
 * Call the scheduler's API and return the response, turning API errors into CliErrors. The
 * request carries the personal API token from DOFC_TOKEN or the token file unless `init`
 * already sets a credential.
 */
export async function callApi(baseUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = findApiToken();
  if (token !== null && !headers.has('Authorization') && !headers.has('X-Dofc-Signature')) {
    headers.set('Authorization', `Bearer ${token}`);
  }

  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, { ...init, headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(
      `Cannot reach the DOFC scheduler at ${baseUrl} (${cause}). Start it with "dofc serve", or point --url or DOFC_URL at it.`,
      EXIT.failure,
    );
  }
  if (response.ok) return response;

  const text = await response.text();
  let message = text;
  try {
    const body = JSON.parse(text) as { message?: string };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON: show the text as it came.
  }
  if (response.status === 401 && token === null) {
    message += ' No token was found in DOFC_TOKEN or the token file; see "dofc token create --help".';
  }
  const exitCode = response.status >= 400 && response.status < 500 ? EXIT.invalidInput : EXIT.failure;
  throw new CliError(message, exitCode);
}

export async function getJson<T>(baseUrl: string, path: string): Promise<T> {
  return (await (await callApi(baseUrl, path)).json()) as T;
}

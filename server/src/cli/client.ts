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

/** Returns the scheduler's base URL from --url, DOFC_URL or the default, checked to be an http(s) URL. */
export function serverUrl(option: string | undefined): string {
  const fromEnv = process.env['DOFC_URL'];
  let raw = `http://127.0.0.1:${DEFAULT_PORT}`;
  let origin = 'the default URL';
  if (option !== undefined) {
    raw = option;
    origin = '--url';
  } else if (fromEnv !== undefined) {
    raw = fromEnv;
    origin = 'DOFC_URL';
  }

  if (!/^https?:\/\/[^/]/i.test(raw)) {
    throw new CliError(`${origin} ${JSON.stringify(raw)} is not an http(s) URL; write it with the scheme, for example http://127.0.0.1:${DEFAULT_PORT}.`, EXIT.invalidInput);
  }
  return raw.replace(/\/+$/, '');
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
  let message: string;
  try {
    const body = JSON.parse(text) as { message?: string };
    message = typeof body.message === 'string' ? body.message : text;
  } catch {
    // Every response of the DOFC API is JSON, so this is another server, such as JupyterLab.
    throw new CliError(
      `The server at ${baseUrl} returned HTTP ${response.status} with ${response.headers.get('content-type') ?? 'no content type'}, not the DOFC API's JSON. Point --url or DOFC_URL at the scheduler (http://127.0.0.1:${DEFAULT_PORT} by default), not at JupyterLab.`,
      EXIT.failure,
    );
  }
  if (response.status === 401) message = unauthenticatedMessage(message, token !== null);
  const exitCode = response.status >= 400 && response.status < 500 ? EXIT.invalidInput : EXIT.failure;
  throw new CliError(message, exitCode);
}

export async function getJson<T>(baseUrl: string, path: string): Promise<T> {
  return (await (await callApi(baseUrl, path)).json()) as T;
}

/**
 * Rewrites the scheduler's 401 message for a command-line user: the reason it gives, then how
 * to get a token with this CLI instead of which HTTP headers to send.
 */
function unauthenticatedMessage(serverMessage: string, hadToken: boolean): string {
  // The scheduler's message is "Authentication failed: <reason>. Send ...".
  const reason = /^Authentication failed: (.*?)\. Send /.exec(serverMessage)?.[1] ?? serverMessage;
  const found = hadToken ? `The scheduler rejected the API token: ${reason}.` : 'No API token was found in DOFC_TOKEN or the token file.';
  return `${found} To get one, run "dofc token create --user NAME --save" on the scheduler's machine, in the folder where the scheduler runs (or with --data-dir pointing at its data folder); with a valid token, "dofc token create --save" makes another.`;
}

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The path under the Jupyter server where `dofc.jupyter` proxies the scheduler. */
export const PROXY_PREFIX = 'dofc';

/** A failed scheduler request, with the scheduler's error code and message when it sent one. */
export class SchedulerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SchedulerError';
  }
}

/** Return the URL of a proxied scheduler route, such as `jobs/3/stream`. */
export function proxyUrl(route: string, settings: ServerConnection.ISettings = ServerConnection.makeSettings()): string {
  return URLExt.join(settings.baseUrl, PROXY_PREFIX, route);
}

/**
 * Send one request to the scheduler through the Jupyter server's proxy. This is the only way the
 * extension reaches the scheduler, so the Jupyter login applies and the browser never has
 * scheduler credentials.
 */
export async function requestScheduler(route: string, init: RequestInit = {}): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const url = proxyUrl(route, settings);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new SchedulerError(0, 'network_error', `The Jupyter server did not respond to ${route} (${String(error)}); check that it is running.`);
  }

  if (!response.ok) {
    throw await errorFrom(response, route);
  }
  return response;
}

/** Send a request and parse the JSON response. */
export async function requestJson<T>(route: string, init: RequestInit = {}): Promise<T> {
  const response = await requestScheduler(route, init);
  return (await response.json()) as T;
}

/** Send a JSON body with POST and parse the JSON response. */
export async function postJson<T>(route: string, body: unknown): Promise<T> {
  return requestJson<T>(route, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Send a JSON body with PUT and parse the JSON response. */
export async function putJson<T>(route: string, body: unknown): Promise<T> {
  return requestJson<T>(route, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Send a DELETE request. The scheduler returns 204 with no body. */
export async function deleteRoute(route: string): Promise<void> {
  await requestScheduler(route, { method: 'DELETE' });
}

/** Return the message of an error for display. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function errorFrom(response: Response, route: string): Promise<SchedulerError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    if (typeof body.message === 'string') {
      return new SchedulerError(response.status, body.error ?? 'error', body.message);
    }
  } catch {
    // Not JSON: the text itself is the best description there is.
  }
  return new SchedulerError(response.status, 'http_error', `${route} returned HTTP ${response.status}: ${text.slice(0, 200)}`);
}

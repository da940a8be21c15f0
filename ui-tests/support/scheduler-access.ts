import { createHmac } from 'node:crypto';
import type { TestEnvironment } from './environment';

/** The secret global set-up gives the Jupyter proxy, so the tests can sign as the proxy does. */
export const UI_SHARED_SECRET = 'dofc-ui-tests-secret';

/** A user global set-up names in DOFC_ADMINS, whom the tests act as to grant roles. */
export const BOOTSTRAP_ADMIN = 'ui-admin';

/**
 * Send a request straight to the scheduler as `user`, signed the way `dofc/jupyter/identity.py`
 * signs: hex HMAC-SHA256 of `user\ntimestamp\nMETHOD\npath`.
 */
export async function signedSchedulerRequest(environment: TestEnvironment, user: string, method: string, route: string, body?: unknown): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', UI_SHARED_SECRET).update([user, timestamp, method, route].join('\n'), 'utf8').digest('hex');
  return fetch(`${environment.schedulerUrl}${route}`, {
    method,
    headers: {
      'X-Dofc-User': user,
      'X-Dofc-Timestamp': timestamp,
      'X-Dofc-Signature': signature,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

export type Role = 'user' | 'team_lead' | 'admin';

/** Give `user` a role, acting as the bootstrap admin; throws with the scheduler's message on failure. */
export async function setRole(environment: TestEnvironment, user: string, role: Role): Promise<void> {
  const response = await signedSchedulerRequest(environment, BOOTSTRAP_ADMIN, 'PUT', `/admin/users/${encodeURIComponent(user)}`, { role });
  if (!response.ok) {
    throw new Error(`Making ${user} ${role} as ${BOOTSTRAP_ADMIN} failed with HTTP ${response.status}: ${await response.text()}; global set-up must list ${BOOTSTRAP_ADMIN} in DOFC_ADMINS and give the scheduler the proxy's secret.`);
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/scheduler-process.js';
import { apiFetch, startTestService, type TestService } from '../support/service.js';
import { REPO_ROOT } from '../support/shared-data.js';
import { TEST_AUTH_SETTINGS } from '../support/test-auth.js';

const JUPYTERHUB = path.join(REPO_ROOT, '.venv', 'bin', 'jupyterhub');
const HUB_MISSING = `${JUPYTERHUB} is missing; install it with ".venv/bin/pip install jupyterhub" to run the JupyterHub token tests`;

/** The service trusts a hub token this long after the hub accepted it, so a revocation shows within the test. */
const CACHE_TTL_MS = 300;

/**
 * Returns a hub configuration with DOFC registered as a service. The hub runs without its HTTP proxy,
 * because these tests call the hub's REST API on the hub's own port and spawn no notebook
 * servers. The no-op proxy class only keeps the hub from starting configurable-http-proxy.
 */
function hubConfig(port: number, serviceToken: string, folder: string): string {
  return `
from jupyterhub.proxy import Proxy

class NoProxy(Proxy):
    should_start = False
    async def add_route(self, routespec, target, data):
        pass
    async def delete_route(self, routespec):
        pass
    async def get_all_routes(self):
        return {}

c.JupyterHub.proxy_class = NoProxy
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = ${port}
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.db_url = 'sqlite:///${folder}/hub.sqlite'
c.JupyterHub.cookie_secret_file = '${folder}/cookie_secret'
c.JupyterHub.pid_file = '${folder}/hub.pid'
c.JupyterHub.authenticator_class = 'dummy'
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {'hubadmin'}
c.JupyterHub.load_groups = {'data': {'users': ['nina']}}
c.JupyterHub.services = [{'name': 'dofc', 'api_token': '${serviceToken}'}]
c.JupyterHub.load_roles = [{'name': 'dofc-test-issuer', 'services': ['dofc'], 'scopes': ['admin:users', 'tokens']}]
`;
}

describe.skipIf(!existsSync(JUPYTERHUB))('JupyterHub tokens', () => {
  let hub: ChildProcess;
  let hubOutput = '';
  let hubApi: string;
  let serviceToken: string;
  let service: TestService;

  async function hubRequest(method: string, route: string, body?: unknown): Promise<Response> {
    return fetch(`${hubApi}${route}`, {
      method,
      headers: { Authorization: `token ${serviceToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** Issues a token for `user` through the hub's API, as the hub does for a signed-in user. */
  async function issueToken(user: string): Promise<{ id: string; token: string }> {
    const response = await hubRequest('POST', `/users/${user}/tokens`, { note: 'dofc test', expires_in: 600 });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`the hub did not issue a token for ${user} (${response.status}): ${text}`);
    return JSON.parse(text) as { id: string; token: string };
  }

  beforeAll(async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-hub-'));
    const port = await freePort();
    serviceToken = randomBytes(24).toString('hex');
    hubApi = `http://127.0.0.1:${port}/hub/api`;
    writeFileSync(path.join(folder, 'jupyterhub_config.py'), hubConfig(port, serviceToken, folder));
    hub = spawn(JUPYTERHUB, ['-f', path.join(folder, 'jupyterhub_config.py')], { cwd: folder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    hub.stdout?.on('data', (chunk: Buffer) => (hubOutput += chunk.toString()));
    hub.stderr?.on('data', (chunk: Buffer) => (hubOutput += chunk.toString()));

    const deadline = Date.now() + 60_000;
    for (;;) {
      if (hub.exitCode !== null) throw new Error(`jupyterhub exited with ${hub.exitCode}:\n${hubOutput}`);
      const up = await fetch(`${hubApi}/`).then((response) => response.ok, () => false);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`jupyterhub did not answer within 60 s:\n${hubOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Users named in admin_users and load_groups exist once the API responds.
    service = await startTestService({ auth: { ...TEST_AUTH_SETTINGS, jupyterHub: { apiUrl: hubApi, cacheTtlMs: CACHE_TTL_MS } } });
  }, 90_000);

  afterAll(async () => {
    await service?.stopAndDrop();
    if (hub?.pid !== undefined && hub.exitCode === null) {
      const exited = new Promise((resolve) => hub.once('exit', resolve));
      process.kill(-hub.pid, 'SIGTERM');
      await exited;
    }
  });

  async function meWith(authorization: string): Promise<Response> {
    return apiFetch(service.url, '/me', { headers: { Authorization: authorization } }, null);
  }

  it('hub user token authenticates with the hub group as team', async () => {
    const { token } = await issueToken('nina');
    const response = await meWith(`token ${token}`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ user: 'nina', role: 'user', team: 'data' });
  });

  it('hub admin is a DOFC admin', async () => {
    const { token } = await issueToken('hubadmin');
    const response = await meWith(`Bearer ${token}`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { role: string }).role).toBe('admin');
  });

  it('hub token may submit and read its own job', async () => {
    const { token } = await issueToken('nina');
    const headers = { Authorization: `token ${token}`, 'content-type': 'application/json' };
    const submitted = await apiFetch(service.url, '/jobs', { method: 'POST', headers, body: JSON.stringify({ source: { kind: 'script', content: 'print(1)' }, not_before: '2099-01-01T00:00:00Z' }) }, null);
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const job = (await submitted.json()) as { job_id: number; owner: string; team: string };
    expect(job).toMatchObject({ owner: 'nina', team: 'data' });
    expect((await apiFetch(service.url, `/jobs/${job.job_id}`, { headers }, null)).status).toBe(200);
  });

  it('unknown hub token is rejected with 401', async () => {
    const response = await meWith(`token ${randomBytes(16).toString('hex')}`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/JupyterHub rejected the token/);
  });

  it('revoked hub token is rejected once the cache expires', async () => {
    const { id, token } = await issueToken('nina');
    expect((await meWith(`token ${token}`)).status).toBe(200);
    const revoked = await hubRequest('DELETE', `/users/nina/tokens/${id}`);
    expect(revoked.status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, CACHE_TTL_MS + 100));
    expect((await meWith(`token ${token}`)).status).toBe(401);
  });
});

if (!existsSync(JUPYTERHUB)) {
  describe('JupyterHub tokens', () => {
    it.skip(HUB_MISSING, () => {});
  });
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAssertion, signedAssertionHeaders } from '../../src/auth/signed-assertion.js';
import { apiFetch, startTestService, type TestService } from '../support/service.js';
import { REPO_ROOT } from '../support/shared-data.js';
import { TEST_SECRET } from '../support/test-auth.js';
import { storeKindUnderTest } from '../support/test-store.js';

const PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');

describe(`signed assertions on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.stopAndDrop();
  });

  async function meWith(headers: Record<string, string>, route = '/me'): Promise<Response> {
    return apiFetch(service.url, route, { headers }, null);
  }

  const now = () => Date.now();

  it('valid assertion authenticates its user', async () => {
    const response = await meWith(signedAssertionHeaders(TEST_SECRET, 'lea', 'GET', '/me', now()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: 'lea', role: 'team_lead', team: 'data' });
  });

  it.each([
    ['a bad signature', () => ({ ...signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/me', now()), 'X-Dofc-Signature': 'ab'.repeat(32) }), /X-Dofc-Signature does not match/],
    ['a signature that is not hex', () => ({ ...signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/me', now()), 'X-Dofc-Signature': 'not-hex' }), /X-Dofc-Signature does not match/],
    ['a stale timestamp', () => signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/me', now() - 10 * 60_000), /more than the 120 s allowed/],
    ['a timestamp in the future', () => signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/me', now() + 10 * 60_000), /more than the 120 s allowed/],
    ['a wrong secret', () => signedAssertionHeaders(Buffer.from('another-secret-0123456789'), 'ana', 'GET', '/me', now()), /same DOFC_SHARED_SECRET/],
    ['a signature for another route', () => signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/me/tokens', now()), /does not match/],
    ['a signature for another method', () => signedAssertionHeaders(TEST_SECRET, 'ana', 'POST', '/me', now()), /does not match/],
    ['a signature for another user', () => ({ ...signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/me', now()), 'X-Dofc-User': 'admin' }), /does not match/],
    ['a missing timestamp', () => ({ 'X-Dofc-User': 'ana', 'X-Dofc-Signature': 'ab'.repeat(32) }), /needs all of X-Dofc-User, X-Dofc-Timestamp and X-Dofc-Signature/],
    ['the user header alone', () => ({ 'X-Dofc-User': 'admin' }), /X-Dofc-User alone is not a credential/],
    ['no credential', () => ({}), /carries no credential/],
  ])('rejects %s with 401', async (_case, headers, message) => {
    const response = await meWith(headers());
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('unauthenticated');
    expect(body.message).toMatch(message);
    expect(body.message).toMatch(/Authorization: Bearer dofc_/);
  });

  it('signature covers the query string', async () => {
    const signed = signedAssertionHeaders(TEST_SECRET, 'ana', 'GET', '/jobs?owner=ana', now());
    expect((await apiFetch(service.url, '/jobs?owner=ana', { headers: signed }, null)).status).toBe(200);
    expect((await apiFetch(service.url, '/jobs?owner=ben', { headers: signed }, null)).status).toBe(401);
  });

  it('asserted user with invalid characters is rejected', async () => {
    const response = await meWith(signedAssertionHeaders(TEST_SECRET, 'ana smith', 'GET', '/me', now()));
    expect(response.status).toBe(401);
  });
});

describe('signature scheme shared with the Jupyter proxy', () => {
  it.skipIf(!existsSync(PYTHON))('matches dofc/jupyter/identity.py', () => {
    const script = [
      'import json, sys',
      'from dofc.jupyter.identity import signed_identity_headers',
      "print(json.dumps(signed_identity_headers('ana', 'post', '/jobs?owner=ana&x=%20', b'shared-secret-for-both', now=1767225600.7)))",
    ].join('\n');
    const output = execFileSync(PYTHON, ['-c', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    const headers = JSON.parse(output) as Record<string, string>;
    expect(headers['X-Dofc-Timestamp']).toBe('1767225600');
    expect(headers['X-Dofc-Signature']).toBe(signAssertion(Buffer.from('shared-secret-for-both'), 'ana', 1767225600, 'POST', '/jobs?owner=ana&x=%20'));
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFetch, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

interface CreatedToken {
  id: number;
  name: string;
  token: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

describe(`personal API tokens on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.stopAndDrop();
  });

  async function createToken(user: string, body: Record<string, unknown> = { name: 'laptop' }): Promise<CreatedToken> {
    const response = await postJson(service.url, '/me/tokens', body, {}, user);
    expect(response.status).toBe(201);
    return (await response.json()) as CreatedToken;
  }

  function withToken(route: string, token: string, init: RequestInit = {}): Promise<Response> {
    return apiFetch(service.url, route, { ...init, headers: { Authorization: `Bearer ${token}` } }, null);
  }

  it('creates a token shown once with a dofc_ prefix', async () => {
    const created = await createToken('ana');
    expect(created.token).toMatch(/^dofc_[A-Za-z0-9_-]{43}$/);
    expect(created.name).toBe('laptop');
    expect(created.expires_at).toBeNull();
  });

  it('authenticates its owner', async () => {
    const { token } = await createToken('ben');
    const response = await withToken('/me', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: 'ben', role: 'user', team: 'data' });
  });

  it('stores only the SHA-256 hash', async () => {
    const created = await createToken('ana', { name: 'hashed' });
    const row = (await service.db('api_tokens').where({ id: created.id }).first()) as Record<string, unknown>;
    expect(row['token_hash']).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.token);
  });

  it('lists tokens without the secret', async () => {
    const created = await createToken('zoe', { name: 'listed' });
    const response = await apiFetch(service.url, '/me/tokens', {}, 'zoe');
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(created.token);
    expect(text).not.toContain('token_hash');
    const { tokens } = JSON.parse(text) as { tokens: Array<{ id: number; name: string }> };
    expect(tokens).toContainEqual(expect.objectContaining({ id: created.id, name: 'listed' }));
  });

  it('lists only the caller’s tokens', async () => {
    const created = await createToken('ana', { name: 'private' });
    const { tokens } = (await (await apiFetch(service.url, '/me/tokens', {}, 'ben')).json()) as { tokens: Array<{ id: number }> };
    expect(tokens.map((token) => token.id)).not.toContain(created.id);
  });

  it('records the last use', async () => {
    const created = await createToken('ana', { name: 'used' });
    await withToken('/me', created.token);
    const row = (await service.db('api_tokens').where({ id: created.id }).first()) as { last_used_at: Date | null };
    expect(row.last_used_at).not.toBeNull();
  });

  it('revoked token is rejected with 401', async () => {
    const created = await createToken('ana', { name: 'revoked' });
    const revoke = await withToken(`/me/tokens/${created.id}`, created.token, { method: 'DELETE' });
    expect(revoke.status).toBe(204);
    const after = await withToken('/me', created.token);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { message: string }).message).toMatch(/unknown or was revoked/);
  });

  it('another user cannot revoke a token', async () => {
    const created = await createToken('ana', { name: 'kept' });
    const response = await apiFetch(service.url, `/me/tokens/${created.id}`, { method: 'DELETE' }, 'zoe');
    expect(response.status).toBe(404);
    expect((await withToken('/me', created.token)).status).toBe(200);
  });

  it('expired token is rejected with 401', async () => {
    const created = await createToken('ana', { name: 'short', expires_in_days: 1 });
    expect(Date.parse(created.expires_at ?? '')).toBeGreaterThan(Date.now());
    await service.db('api_tokens').where({ id: created.id }).update({ expires_at: new Date(Date.now() - 1000) });
    const response = await withToken('/me', created.token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/"short" expired at/);
  });

  it.each([
    ['an unknown token', 'Bearer dofc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /unknown or was revoked/],
    ['a token of another scheme without a hub', 'Bearer abc123', /no JupyterHub is configured/],
    ['a malformed header', 'Basic YW5hOnNlY3JldA==', /neither "Bearer <token>" nor "token <token>"/],
  ])('rejects %s with 401', async (_case, header, message) => {
    const response = await apiFetch(service.url, '/me', { headers: { Authorization: header } }, null);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
  });

  it.each([
    ['an empty name', { name: '' }, 'name'],
    ['an expiry of zero days', { name: 'x', expires_in_days: 0 }, 'expires_in_days'],
    ['an unknown field', { name: 'x', scopes: ['all'] }, 'scopes'],
  ])('rejects a token request with %s', async (_case, body, field) => {
    const response = await postJson(service.url, '/me/tokens', body, {}, 'ana');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe(field);
  });
});

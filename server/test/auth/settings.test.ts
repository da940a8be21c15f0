import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAuthSettings, parseSeededUsers } from '../../src/auth/settings.js';
import { loadSharedSecret, sharedSecretSource } from '../../src/auth/shared-secret.js';

const folder = () => mkdtempSync(path.join(os.tmpdir(), 'dofc-auth-settings-'));

describe('shared secret', () => {
  it('default file is created once with mode 0600', () => {
    const dataDir = folder();
    const source = sharedSecretSource({}, dataDir);
    const first = loadSharedSecret(source);
    const file = path.join(dataDir, 'shared-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.toString()).toMatch(/^[0-9a-f]{64}$/);
    expect(loadSharedSecret(source).equals(first)).toBe(true);
  });

  it('value wins over the file variable', () => {
    const source = sharedSecretSource({ DOFC_SHARED_SECRET: 'from-the-environment-1', DOFC_SHARED_SECRET_FILE: '/nowhere' }, folder());
    expect(loadSharedSecret(source).toString()).toBe('from-the-environment-1');
  });

  it('file variable is read and trimmed', () => {
    const file = path.join(folder(), 'secret');
    writeFileSync(file, '  0123456789abcdef0123\n');
    expect(loadSharedSecret(sharedSecretSource({ DOFC_SHARED_SECRET_FILE: file }, folder())).toString()).toBe('0123456789abcdef0123');
  });

  it('missing configured file is not created', () => {
    const file = path.join(folder(), 'absent');
    expect(() => loadSharedSecret(sharedSecretSource({ DOFC_SHARED_SECRET_FILE: file }, folder()))).toThrow(/does not exist; create it with a random secret/);
    expect(() => readFileSync(file)).toThrow();
  });

  it('short secret is rejected', () => {
    expect(() => loadSharedSecret({ kind: 'value', value: 'short' })).toThrow(/5 characters long; use at least 16/);
  });
});

describe('authentication settings', () => {
  it('reads admins, users, team and hub', () => {
    const settings = loadAuthSettings(
      { DOFC_ADMINS: 'root, ops', DOFC_USERS: 'lea:team_lead:data,ana:user', DOFC_DEFAULT_TEAM: 'all', DOFC_JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api/' },
      folder(),
    );
    expect(settings.admins).toEqual(['root', 'ops']);
    expect(settings.users).toEqual([
      { name: 'lea', role: 'team_lead', team: 'data' },
      { name: 'ana', role: 'user', team: null },
    ]);
    expect(settings.defaultTeam).toBe('all');
    expect(settings.jupyterHub).toEqual({ apiUrl: 'http://127.0.0.1:8081/hub/api', cacheTtlMs: 30_000 });
  });

  it.each([
    ['an unknown role', 'DOFC_USERS', 'lea:boss', /write name:role or name:role:team/],
    ['a bad team', 'DOFC_USERS', 'lea:user:da ta', /has an invalid team/],
    ['a bad admin name', 'DOFC_ADMINS', 'a b', /names the user "a b", which is invalid/],
    ['a hub URL that is no URL', 'DOFC_JUPYTERHUB_API_URL', 'hub', /is not a URL/],
    ['a zero signature age', 'DOFC_SIGNATURE_MAX_AGE_S', '0', /positive number of seconds/],
  ])('rejects %s', (_case, variable, value, message) => {
    expect(() => loadAuthSettings({ [variable]: value }, folder())).toThrow(message);
  });

  it('empty user list is allowed', () => {
    expect(parseSeededUsers('')).toEqual([]);
  });
});

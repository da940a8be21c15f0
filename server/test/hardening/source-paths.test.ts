import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allowedRoots, resolveInsideRoots } from '../../src/jobs/allowed-roots.js';
import { postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const NOTEBOOK = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });

// A root with a notebook, a link to a file outside, a link to a file inside and a linked root.
const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'dofc-roots-')));
const root = path.join(base, 'root');
const outside = path.join(base, 'outside');
mkdirSync(path.join(root, 'team'), { recursive: true });
mkdirSync(outside);
writeFileSync(path.join(root, 'team', 'inside.ipynb'), NOTEBOOK);
writeFileSync(path.join(outside, 'secret.ipynb'), NOTEBOOK);
symlinkSync(path.join(outside, 'secret.ipynb'), path.join(root, 'team', 'escape.ipynb'));
symlinkSync(path.join(root, 'team', 'inside.ipynb'), path.join(root, 'alias.ipynb'));
symlinkSync(root, path.join(base, 'linked-root'));

describe('source path confinement', () => {
  it.each([
    ['a file inside the root', path.join(root, 'team', 'inside.ipynb'), path.join(root, 'team', 'inside.ipynb')],
    ['a symlink to a file inside', path.join(root, 'alias.ipynb'), path.join(root, 'team', 'inside.ipynb')],
    ['a dot-dot path that stays inside', path.join(root, 'team', '..', 'team', 'inside.ipynb'), path.join(root, 'team', 'inside.ipynb')],
  ])('accepts %s', async (_case, file, expected) => {
    expect(await resolveInsideRoots(file, [root])).toBe(expected);
  });

  it('accepts a file under a root given through a symlink', async () => {
    expect(await resolveInsideRoots(path.join(root, 'team', 'inside.ipynb'), [path.join(base, 'linked-root')])).toBe(
      path.join(root, 'team', 'inside.ipynb'),
    );
  });

  it.each([
    ['a dot-dot escape', `${root}/team/../../outside/secret.ipynb`],
    ['a symlink escape', path.join(root, 'team', 'escape.ipynb')],
    ['a sibling folder sharing the prefix', path.join(`${root}-other`, 'x.ipynb')],
    ['a missing file outside', path.join(outside, 'missing.ipynb')],
    ['an absolute system file', '/etc/passwd'],
  ])('rejects %s as outside the roots', async (_case, file) => {
    await expect(resolveInsideRoots(file, [root])).rejects.toMatchObject({ code: 'source_path_outside_roots', field: 'source.path' });
  });

  it('reports a missing file inside as not found', async () => {
    await expect(resolveInsideRoots(path.join(root, 'missing.ipynb'), [root])).rejects.toMatchObject({ code: 'source_not_found' });
  });

  it.each([
    ['the current folder when unset', {}, ['/srv/cwd']],
    ['every listed folder', { DOFC_ALLOWED_ROOTS: '/a:/b/c' }, ['/a', '/b/c']],
    ['the current folder when empty', { DOFC_ALLOWED_ROOTS: ' ' }, ['/srv/cwd']],
  ])('reads allowed roots: %s', (_case, env, expected) => {
    expect(allowedRoots(env, '/srv/cwd')).toEqual(expected);
  });

  it('rejects a relative allowed root naming it', () => {
    expect(() => allowedRoots({ DOFC_ALLOWED_ROOTS: '/a:notebooks' })).toThrow(/relative folder "notebooks"/);
  });
});

describe(`POST /jobs with a source path on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    vi.stubEnv('DOFC_ALLOWED_ROOTS', root);
    service = await startTestService();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await service.stopAndDrop();
  });

  it('rejects a symlink escape with 400 naming the field', async () => {
    const response = await postJson(service.url, '/jobs', { owner: 'ana', source: { kind: 'notebook', path: path.join(root, 'team', 'escape.ipynb') } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; field: string; message: string };
    expect(body.error).toBe('source_path_outside_roots');
    expect(body.field).toBe('source.path');
    expect(body.message).toContain(`resolves to "${path.join(outside, 'secret.ipynb')}"`);
    expect(body.message).toContain('DOFC_ALLOWED_ROOTS');
  });

  it('reads a file inside the root', async () => {
    const response = await postJson(service.url, '/jobs', {
      owner: 'ana',
      not_before: '2099-01-01T00:00:00Z',
      source: { kind: 'notebook', path: path.join(root, 'team', 'inside.ipynb') },
    });
    expect(response.status).toBe(201);
  });
});

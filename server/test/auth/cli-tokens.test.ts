import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { REPO_ROOT } from '../support/shared-data.js';
import { TEST_SECRET } from '../support/test-auth.js';

const CLI = path.join(REPO_ROOT, 'server/bin/dofc.js');

function dofc(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Credentials of the developer's own shell must not leak into these cases.
    const base = { ...process.env, DOFC_TOKEN: '', DOFC_SHARED_SECRET: '', DOFC_SHARED_SECRET_FILE: '' };
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dofc token commands', () => {
  let service: TestService;
  let dataDir: string;
  let tokenFile: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    service = await startTestService();
    const work = mkdtempSync(path.join(os.tmpdir(), 'dofc-cli-tokens-'));
    // The operator's copy of the scheduler's data folder contains the secret the service was started with.
    dataDir = path.join(work, 'data');
    tokenFile = path.join(work, 'config', 'token');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'shared-secret'), `${TEST_SECRET.toString('utf8')}\n`, { mode: 0o600 });
    env = { DOFC_URL: service.url, DOFC_TOKEN_FILE: tokenFile };
  });
  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('operator creates, saves and uses a first token', async () => {
    const created = await dofc(['token', 'create', '--user', 'zoe', '--name', 'first', '--data-dir', dataDir, '--save'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(/^dofc_/);
    expect(created.stderr).toContain(`it is saved in ${tokenFile}`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);

    const listed = await dofc(['token', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^\d+\tfirst\tcreated /m);
    expect(listed.stdout).not.toContain(created.stdout.trim());
  });

  it('revoked token fails the next command', async () => {
    const created = await dofc(['token', 'create', '--user', 'ben', '--name', 'short-lived', '--data-dir', dataDir, '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const { id, token } = JSON.parse(created.stdout) as { id: number; token: string };

    const revoked = await dofc(['token', 'revoke', String(id)], { ...env, DOFC_TOKEN: token });
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await dofc(['token', 'list'], { ...env, DOFC_TOKEN: token });
    expect(after.code).toBe(2);
    expect(after.stderr).toMatch(/rejected the API token: the API token is unknown or was revoked\. To get one/);
    expect(after.stderr).not.toMatch(/Authorization/);
  });

  it('user token creates another token', async () => {
    const first = JSON.parse((await dofc(['token', 'create', '--user', 'ana', '--data-dir', dataDir, '--json'], env)).stdout) as { token: string };
    const second = await dofc(['token', 'create', '--name', 'second'], { ...env, DOFC_TOKEN: first.token });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toMatch(/^dofc_/);
  });

  it.each([
    ['a data folder without the secret', () => ['token', 'create', '--user', 'ana', '--data-dir', os.tmpdir()], /shared secret is not at .*pass --data-dir with the scheduler's data folder/, 1],
    ['no credential at all', () => ['token', 'list'], /No API token was found in DOFC_TOKEN or the token file\. To get one, run "dofc token create --user NAME --save"/, 2],
    ['an invalid user name', () => ['token', 'create', '--user', 'a b', '--data-dir', dataDir], /--user a b is invalid/, 2],
  ])('token command fails on %s', async (_case, args, message, code) => {
    const result = await dofc(args(), { DOFC_URL: service.url, DOFC_TOKEN_FILE: path.join(os.tmpdir(), 'dofc-no-such-token') });
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });
});

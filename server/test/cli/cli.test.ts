import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { freePort } from '../support/scheduler-process.js';
import { createApiToken, startTestService, waitForState, type TestService } from '../support/service.js';
import { REPO_ROOT } from '../support/shared-data.js';

const CLI = path.join(REPO_ROOT, 'server/bin/dofc.js');

/** DOFC_TOKEN of the test user, set once the service runs. */
let credentials: Record<string, string> = {};

/**
 * Run the compiled dofc CLI. It runs asynchronously because the service it calls lives in this
 * test process and must keep answering.
 */
function dofc(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...credentials, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dofc command line', () => {
  let service: TestService;
  let folder: string;

  beforeAll(async () => {
    service = await startTestService();
    credentials = { DOFC_TOKEN: await createApiToken(service.url) };
    folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-cli-'));
    writeFileSync(path.join(folder, 'hello.py'), 'print("hello from dofc")\n');
    writeFileSync(path.join(folder, 'broken.ipynb'), '{"cells": [');
    writeFileSync(path.join(folder, 'notes.txt'), 'not code');
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  it('submits a script, then shows, logs and lists it', async () => {
    const submitted = await dofc(['submit', path.join(folder, 'hello.py'), '--label', 'H', '--owner', 'ana', '--json', '--url', service.url]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = JSON.parse(submitted.stdout) as JobView;
    expect(job).toMatchObject({ owner: 'ana', label: 'H', pool: 'heavy' });

    await waitForState(service.url, job.job_id);
    const status = await dofc(['status', String(job.job_id), '--json', '--url', service.url]);
    expect(JSON.parse(status.stdout)).toMatchObject({ job_id: job.job_id, state: 'succeeded' });

    const logs = await dofc(['logs', String(job.job_id), '--url', service.url]);
    expect(logs.stdout).toContain('hello from dofc');

    const list = await dofc(['status', '--owner', 'ana', '--url', service.url]);
    expect(list.stdout).toMatch(new RegExp(`^${job.job_id}\\s+succeeded\\s+heavy`, 'm'));
  });

  it('prints logs without colour codes to a pipe', async () => {
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'c0', cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: "open('nope.csv')" }] };
    writeFileSync(path.join(folder, 'fails.ipynb'), JSON.stringify(notebook));
    const submitted = await dofc(['submit', path.join(folder, 'fails.ipynb'), '--label', 'H', '--json', '--url', service.url]);
    const job = JSON.parse(submitted.stdout) as JobView;
    await waitForState(service.url, job.job_id);

    const logs = await dofc(['logs', String(job.job_id), '--url', service.url]);

    expect(logs.stdout).toMatch(/FileNotFoundError/);
    expect(logs.stdout).not.toContain('\u001b[');
  });

  it.each([
    ['an unknown label', ['submit', 'hello.py', '--label', 'X'], /--label X is invalid/],
    ['a file that is neither notebook nor script', ['submit', 'notes.txt'], /neither a notebook/],
    ['a missing file', ['submit', 'absent.py'], /Cannot read absent.py: ENOENT/],
    ['a bad start time', ['submit', 'hello.py', '--not-before', 'soon'], /--not-before soon is invalid/],
  ])('exits 2 on %s', async (_case, args, message) => {
    const result = await dofc([...args, '--url', service.url], { cwd: folder });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 when the API rejects the notebook', async () => {
    const result = await dofc(['submit', path.join(folder, 'broken.ipynb'), '--url', service.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.ipynb: source is not a Jupyter notebook: it is not JSON/);
    expect(result.stderr).toMatch(/If the file is Python code, name it \.py\./);
    expect(result.stderr).not.toMatch(/kind "script"/);
  });

  it('accepts a lower-case label', async () => {
    const submitted = await dofc(['submit', path.join(folder, 'hello.py'), '--label', 'h', '--priority', 'p2', '--json', '--url', service.url]);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ label: 'H', priority: 'P2' });
  });

  it('exits 2 for a job that does not exist', async () => {
    const result = await dofc(['status', '424242', '--url', service.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Job 424242 does not exist/);
  });

  it('exits 1 with a hint when the scheduler is unreachable', async () => {
    const port = await freePort();
    const result = await dofc(['status'], { env: { DOFC_URL: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot reach the DOFC scheduler .*Start it with "dofc serve"/);
  });

  it('exits 2 for a URL without a scheme', async () => {
    const result = await dofc(['status', '--url', '127.0.0.1:8780']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--url "127\.0\.0\.1:8780" is not an http\(s\) URL; write it with the scheme/);
  });

  it('names a server that is not the API', async () => {
    // JupyterLab's port is an easy mistake: it returns an HTML page.
    const other = createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<html><body>404 : Not Found</body></html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const result = await dofc(['status', '--url', url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/returned HTTP 404 with text\/html, not the DOFC API's JSON\. Point --url or DOFC_URL at the scheduler/);
      expect(result.stderr).not.toMatch(/<html>/);
    } finally {
      other.close();
    }
  });
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../support/shared-data.js';

const CLI = path.join(REPO_ROOT, 'server/bin/dofc.js');

/** Runs the compiled dofc CLI without blocking, so a service in the test process keeps serving requests. */
export function dofcCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

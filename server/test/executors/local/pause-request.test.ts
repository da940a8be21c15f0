import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { requestRunnerPause } from '../../../src/executors/local/pause-request.js';
import { isRunnerAlive, signalGroup } from '../../../src/executors/local/process-liveness.js';

// A stand-in runner: it handles SIGUSR1 as dofc.runner does, records its pid in `started`, and
// starts a child in its own process group that has no handler, as a kernel or a JVM has none.
const FAKE_RUNNER = `
import json, os, pathlib, signal, subprocess, sys, time
attempt = pathlib.Path(sys.argv[1])
signal.signal(signal.SIGUSR1, lambda *_: (attempt / "signalled").touch())
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
(attempt / "child.pid").write_text(str(child.pid))
(attempt / "started").write_text(json.dumps({"pid": os.getpid()}))
while not (attempt / "signalled").exists():
    time.sleep(0.05)
time.sleep(60)
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForFile(file: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within 30 s`);
    await sleep(50);
  }
}

describe('requestRunnerPause', () => {
  let attemptDir: string;
  let groupPid: number | null = null;

  beforeEach(async () => {
    attemptDir = await mkdtemp(path.join(tmpdir(), 'dofc-pause-request-'));
  });

  afterEach(async () => {
    if (groupPid !== null) signalGroup(groupPid, 'SIGKILL');
    groupPid = null;
    await rm(attemptDir, { recursive: true, force: true });
  });

  it('signals the runner only', async () => {
    const runner = spawn(loadConfig().python, ['-c', FAKE_RUNNER, attemptDir], { detached: true, stdio: 'ignore' });
    groupPid = runner.pid as number;
    await waitForFile(path.join(attemptDir, 'started'));

    const signalled = await requestRunnerPause(attemptDir);
    await waitForFile(path.join(attemptDir, 'signalled'));

    expect(signalled).toBe(runner.pid);
    expect(existsSync(path.join(attemptDir, 'pause_requested'))).toBe(true);
    const childPid = Number(await readFile(path.join(attemptDir, 'child.pid'), 'utf8'));
    expect(isRunnerAlive(childPid, 'sleep(60)')).toBe(true);
  }, 60_000);

  it('writes the request before any runner started', async () => {
    const signalled = await requestRunnerPause(attemptDir);

    expect(signalled).toBeNull();
    expect(JSON.parse(await readFile(path.join(attemptDir, 'pause_requested'), 'utf8'))).toHaveProperty('requested_at');
  });
});

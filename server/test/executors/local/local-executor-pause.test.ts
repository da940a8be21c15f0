import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { AttemptHandle, AttemptStatus } from '../../../src/executors/executor.js';
import { LocalExecutor } from '../../../src/executors/local/local-executor.js';
import { createLogger } from '../../../src/logger.js';
import { storeKindUnderTest } from '../../support/test-store.js';

// The executor does not touch the store, so the suite runs once, in the PGlite pass.
const onPostgres = storeKindUnderTest() === 'postgres';

// Stage `b` blocks until the pause request arrives, so the pause lands inside it without timing guesses.
const CELLS = [
  'import dofc, os, pathlib, time',
  "def wait_for_pause(value):\n    pathlib.Path('waiting').touch()\n    attempt = pathlib.Path(os.environ['DOFC_ATTEMPT_DIR'])\n    while not (attempt / 'pause_requested').exists():\n        time.sleep(0.05)\n    return value",
  "a = dofc.checkpoint('a', lambda: [1])",
  "b = dofc.checkpoint('b', lambda: wait_for_pause(a + [2]))",
  "c = dofc.checkpoint('c', lambda: b + [3])",
];

function notebookText(cells: string[]): string {
  const codeCells = cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }));
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: codeCells });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function waitForEnd(executor: LocalExecutor, handle: AttemptHandle): Promise<Extract<AttemptStatus, { kind: 'ended' }>> {
  let status = await executor.inspect(handle);
  await waitFor('the end of the attempt', async () => {
    status = await executor.inspect(handle);
    return status.kind === 'ended';
  });
  return status as Extract<AttemptStatus, { kind: 'ended' }>;
}

describe.skipIf(onPostgres)('LocalExecutor pause and checkpoints', () => {
  let jobsDir: string;
  let executor: LocalExecutor;

  beforeAll(async () => {
    jobsDir = await mkdtemp(path.join(tmpdir(), 'dofc-pause-'));
    executor = new LocalExecutor({ jobsDir, python: loadConfig().python, logger: createLogger('silent') });
  });

  afterAll(async () => {
    await rm(jobsDir, { recursive: true, force: true });
  });

  it('pauses after stage and resumes', async () => {
    const launch = { jobId: 3, kind: 'notebook' as const, sourceText: notebookText(CELLS), sourcePath: null, setupCells: [], parameters: {} };
    const first = await executor.prepare({ ...launch, attempt: 1 });
    const checkpointDir = path.join(jobsDir, '3', 'checkpoints');

    const spec = JSON.parse(await readFile(path.join(first.attemptDir, 'spec.json'), 'utf8')) as { checkpoint_dir: string };
    expect(spec.checkpoint_dir).toBe(checkpointDir);
    expect((await stat(checkpointDir)).mode & 0o777).toBe(0o700);

    first.pid = await executor.start(first);
    await waitFor('stage b waiting for the pause', async () => existsSync(path.join(jobsDir, '3', 'work', 'waiting')));
    await executor.requestPause(first);
    const paused = await waitForEnd(executor, first);

    expect(paused.result?.outcome).toBe('paused');
    expect(paused.result?.failure_class).toBe('preempted');
    expect(paused.exit?.signal).toBeNull();
    expect(paused.checkpoints.map((event) => [event.stage, event.action])).toEqual([
      ['a', 'saved'],
      ['b', 'saved'],
    ]);
    expect(await readFile(path.join(first.attemptDir, 'log.txt'), 'utf8')).toContain('[dofc] pause requested');

    const second = await executor.prepare({ ...launch, attempt: 2 });
    second.pid = await executor.start(second);
    const resumed = await waitForEnd(executor, second);

    expect(resumed.result?.outcome).toBe('succeeded');
    expect(resumed.checkpoints.map((event) => [event.stage, event.action])).toEqual([
      ['a', 'loaded'],
      ['b', 'loaded'],
      ['c', 'saved'],
    ]);
    expect(resumed.checkpoints.every((event) => event.bytes > 0)).toBe(true);
  }, 240_000);
});

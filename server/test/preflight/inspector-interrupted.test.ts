import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { inlineNotebookJob, postJson, startTestService, waitForState, type TestService } from '../support/service.js';

/**
 * An interpreter wrapper whose first code-inspector run is killed by SIGTERM from outside, as
 * when a shutdown signals the scheduler's whole process group. Every other run is the real one.
 */
function interpreterKillingFirstInspection(folder: string, realPython: string): { wrapper: string; marker: string } {
  const marker = path.join(folder, 'inspector-killed-once');
  const wrapper = path.join(folder, 'python');
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `if [ "$1" = "-m" ] && [ "$2" = "dofc.inspector" ] && [ ! -e "${marker}" ]; then`,
      `  touch "${marker}"`,
      '  kill -TERM $$',
      'fi',
      `exec "${realPython}" "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(wrapper, 0o755);
  return { wrapper, marker };
}

describe('pre-flight interrupted by a signal', () => {
  let service: TestService;
  let marker: string;

  beforeAll(async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-inspector-signal-'));
    const built = interpreterKillingFirstInspection(folder, loadConfig({}).python);
    marker = built.marker;
    service = await startTestService({ python: built.wrapper });
  });

  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('analyses the job again and runs it, instead of failing it for good', async () => {
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['print("after the interrupted pre-flight")']));
    expect(response.status).toBe(201);
    const { job_id: id } = (await response.json()) as { job_id: number };

    const job = await waitForState(service.url, id);

    expect(existsSync(marker)).toBe(true);
    expect(job.state).toBe('succeeded');
  });
});

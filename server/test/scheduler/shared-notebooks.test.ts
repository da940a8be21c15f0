import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { postJson, startTestService, waitForState, type TestService } from '../support/service.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';
import { storeKindUnderTest } from '../support/test-store.js';

const NOTEBOOKS = 'notebooks';
const folder = sharedDataPath(NOTEBOOKS);
const files = folder === null ? [] : readdirSync(folder).filter((name) => name.endsWith('.ipynb')).sort();

// These public notebooks read data that is not on this machine (BigQuery, Cloud Storage,
// downloads), so each must be accepted and then fail with a sentence that names its cell.
const title = folder === null ? missingDataMessage(NOTEBOOKS) : `notebooks that need absent data on ${storeKindUnderTest()}`;

describe.skipIf(folder === null)(title, () => {
  let service: TestService;
  const jobs = new Map<string, JobView>();

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 4, memGb: 16 } });
    for (const name of files) {
      const file = path.join(folder as string, name);
      const response = await postJson(service.url, '/jobs', {
        owner: 'ana',
        source: { kind: 'notebook', path: file, content: readFileSync(file, 'utf8') },
      });
      expect(response.status, `${name}: ${await response.clone().text()}`).toBe(201);
      jobs.set(name, (await response.json()) as JobView);
    }
    for (const [name, job] of jobs) jobs.set(name, await waitForState(service.url, job.job_id, undefined, 180_000));
  }, 240_000);

  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('accepts all five, nbformat 3 and 4 alike', () => {
    expect(files).toHaveLength(5);
    expect(jobs.size).toBe(5);
  });

  it.each(files)('%s fails naming its cell and the error', (name) => {
    const job = jobs.get(name) as JobView;
    expect(job.state).toBe('failed');
    expect(job.reason?.code).toBe('cell_error');
    expect(job.reason?.message).toMatch(/^Cell \d+ of \d+ raised \w+/);
    expect(job.failed_cell?.code_cell_number).toBeGreaterThan(0);
    expect(job.reason?.message).not.toMatch(/at .*\.ts:\d+/);
  });
});

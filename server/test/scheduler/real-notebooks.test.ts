import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { postJson, startTestService, waitForState, type TestService, apiFetch } from '../support/service.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';
import { storeKindUnderTest } from '../support/test-store.js';

interface OutputNotebook {
  cells: Array<{ cell_type: string; outputs?: Array<{ text?: string | string[]; data?: Record<string, string | string[]> }> }>;
}

function outputText(notebook: OutputNotebook): string {
  return notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .map((output) => [output.text, output.data?.['text/plain']].flat().filter(Boolean).join(''))
    .join('\n');
}

const RUNNABLE = 'runnable';
const runnable = sharedDataPath(RUNNABLE);

async function submitFile(base: string, file: string, label: 'L' | 'H'): Promise<JobView> {
  const response = await postJson(base, '/jobs', {
    owner: 'ana',
    label,
    source: { kind: 'notebook', path: file, content: readFileSync(file, 'utf8') },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as JobView;
}

const title = runnable === null ? missingDataMessage(RUNNABLE) : `real notebooks run end to end on ${storeKindUnderTest()}`;

describe.skipIf(runnable === null)(title, () => {
  let service: TestService;
  const jobs: Record<string, JobView> = {};

  beforeAll(async () => {
    service = await startTestService();
    const cases: Array<[string, string, 'L' | 'H']> = [
      ['merge', 'jakevdp-pdsh/03.07-Merge-and-Join.ipynb', 'L'],
      ['crossValidation', 'inria-scikit-learn-mooc/notebooks/cross_validation_time.ipynb', 'H'],
      ['wordCount', 'tirthajyoti-spark-with-python/Word_Count.ipynb', 'L'],
      ['profiling', 'jakevdp-pdsh/01.07-Timing-and-Profiling.ipynb', 'H'],
    ];
    for (const [key, relative, label] of cases) {
      jobs[key] = await submitFile(service.url, `${runnable}/${relative}`, label);
    }
    for (const key of Object.keys(jobs)) {
      jobs[key] = await waitForState(service.url, (jobs[key] as JobView).job_id, undefined, 240_000);
    }
  }, 300_000);

  afterAll(async () => {
    await service?.stopAndDrop();
  });

  async function output(job: JobView | undefined): Promise<OutputNotebook> {
    const response = await apiFetch(service.url, `/jobs/${job?.job_id}/output`);
    expect(response.status).toBe(200);
    return (await response.json()) as OutputNotebook;
  }

  it('runs the pandas merge notebook to success with its outputs', async () => {
    expect(jobs['merge']?.state).toBe('succeeded');
    expect(jobs['merge']?.progress).toEqual({ done: 34, total: 34, unit: 'cells' });
    const text = outputText(await output(jobs['merge']));
    expect(text).toContain('employee');
    expect(text).toContain('Engineering');
  });

  it('runs the scikit-learn cross-validation notebook to success', async () => {
    expect(jobs['crossValidation']?.state).toBe('succeeded');
    const text = outputText(await output(jobs['crossValidation']));
    expect(text).toMatch(/MedHouseVal|mean absolute error|R2|score/i);
  });

  it('runs the PySpark word count on Moby-Dick', async () => {
    expect(jobs['wordCount']?.state, jobs['wordCount']?.reason?.message).toBe('succeeded');
    const text = outputText(await output(jobs['wordCount']));
    expect(text).toMatch(/Different words= *\d+, total words= *\d+/);
  });

  it('fails the profiling notebook at the cell that needs line_profiler', async () => {
    const job = jobs['profiling'] as JobView;
    expect(job.state).toBe('failed');
    expect(job.failed_cell).toMatchObject({ index: 21, code_cell_number: 9, ename: 'ModuleNotFoundError' });
    expect(job.reason?.message).toMatch(/^Cell 9 of 14 raised ModuleNotFoundError: No module named 'line_profiler'/);

    const executed = await output(job);
    expect(executed.cells).toHaveLength(JSON.parse(readFileSync(`${runnable}/jakevdp-pdsh/01.07-Timing-and-Profiling.ipynb`, 'utf8')).cells.length);
  });

  it('keeps a log with the runner and kernel output', async () => {
    const log = await (await apiFetch(service.url, `/jobs/${jobs['merge']?.job_id}/logs`)).text();
    expect(log).toContain('--- attempt 1 ---');
    expect(log).toContain('[dofc] cell 34/34 started');
    expect(log).toContain('[dofc] succeeded');
  });
});

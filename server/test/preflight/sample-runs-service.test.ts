import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import type { PreflightAnalysis } from '../../src/preflight/analysis.js';
import { formatAnalysis } from '../../src/cli/commands/preflight.js';
import { apiFetch, postJson, startTestService, waitForState, type TestService } from '../support/service.js';

interface TimelineEvent {
  type: string;
  code: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

const ROWS = 150_000;

function notebookText(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    cells: cells.map((source, index) => ({ id: `c${index}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
  });
}

async function eventsOf(base: string, id: number): Promise<TimelineEvent[]> {
  const response = await apiFetch(base, `/jobs/${id}/events`);
  return ((await response.json()) as { events: TimelineEvent[] }).events;
}

/**
 * A notebook that reads a 1.5 MB CSV by a relative path, in a folder with another file beside
 * the data, run with two sample fractions to keep the test short.
 */
describe('pre-flight sample runs in the service', () => {
  let service: TestService;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-sample-job-'));
  const csv = path.join(folder, 'data', 'events.csv');
  const notebookPath = path.join(folder, 'group.ipynb');
  const notebook = notebookText([
    'import pandas as pd',
    "df = pd.read_csv('data/events.csv')",
    "totals = df.groupby('key')['value'].sum()\nprint(len(df), totals.shape)",
  ]);
  const job = { owner: 'ana', label: 'L', source: { kind: 'notebook', path: notebookPath, content: notebook } };

  beforeAll(async () => {
    mkdirSync(path.dirname(csv));
    const rows = ['key,value'];
    for (let i = 0; i < ROWS; i += 1) rows.push(`k${i % 97},${i}`);
    writeFileSync(csv, `${rows.join('\n')}\n`);
    writeFileSync(path.join(folder, 'data', 'notes.txt'), 'not an input\n');
    writeFileSync(notebookPath, notebook);
    process.env['DOFC_SAMPLE_FRACTIONS'] = '0.01,0.02';
    service = await startTestService();
  });

  afterAll(async () => {
    delete process.env['DOFC_SAMPLE_FRACTIONS'];
    await service?.stopAndDrop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('job is sampled before it is queued', async () => {
    const response = await postJson(service.url, '/jobs', job);
    expect(response.status).toBe(201);
    const submitted = (await response.json()) as JobView;
    const finished = await waitForState(service.url, submitted.job_id);
    expect(finished.state).toBe('succeeded');

    const events = await eventsOf(service.url, submitted.job_id);
    const preflight = events.find((event) => event.type === 'preflight');
    const sample = preflight?.data?.['sample'] as NonNullable<PreflightAnalysis['sample']>;
    expect(sample.status).toBe('measured');
    expect(sample.runs.map((run) => run.fraction)).toEqual([0.01, 0.02]);
    for (const run of sample.runs) {
      expect(run.outcome).toBe('succeeded');
      expect(run.input_bytes).toBe(statSync(csv).size);
      expect(run.sample_bytes).toBeLessThan(run.input_bytes / 20);
      expect(run.wall_s).toBeGreaterThan(0);
      expect(run.cpu_s).toBeGreaterThan(0);
      expect(run.max_rss_bytes).toBeGreaterThan(2 ** 20);
    }
    expect(sample.extrapolated_s).toBeGreaterThan(0);
    expect(preflight?.data?.['eta_basis']).toBe('sample');
    expect(preflight?.message).toMatch(/extrapolated from sample runs/);
    expect(finished.spec['eta_p50_s']).toBeGreaterThan(0);
  });

  it('finished run keeps its sample estimate', async () => {
    const [run] = await service.db('run_history').where({ owner: 'ana' });
    const [stored] = await service.db('job_preflight').where({ job_id: run.job_id });
    const analysis = stored.analysis as PreflightAnalysis;
    expect(Number(run.sample_estimate_s)).toBeCloseTo(analysis.sample?.extrapolated_s as number, 6);
  });

  it('POST /preflight combines sample runs with history', async () => {
    const response = await postJson(service.url, '/preflight', job);
    expect(response.status).toBe(200);
    const analysis = (await response.json()) as PreflightAnalysis;
    expect(analysis.sample?.status).toBe('measured');
    expect(analysis.eta_basis).toBe('sample_and_history');
    expect(analysis.history_runs).toBe(1);
    expect(analysis.calibration_runs).toBe(1);

    // The text `dofc preflight` prints for this analysis.
    const text = formatAnalysis('group.ipynb', analysis);
    expect(text).toMatch(/sample runs measured: extrapolated [\d.]+ (s|min|h) = [\d.]+ s fixed \+ [\d.]+·x\^[\d.]+ s at x = 1 \(slope fitted on (cell_cpu|cpu) time/);
    expect(text).toMatch(/[\d.]+% of the input \(\d+ bytes\): succeeded, wall [\d.]+ s, cpu [\d.]+ s, peak memory \d+ MiB/);
  });

  it('POST /preflight with samples off skips them', async () => {
    const response = await postJson(service.url, '/preflight?samples=off', job);
    const analysis = (await response.json()) as PreflightAnalysis;
    expect(analysis.sample).toBeNull();
    expect(analysis.eta_basis).toBe('fingerprint');
  });

  it('inline source is not sampled and says why', async () => {
    const response = await postJson(service.url, '/preflight', { owner: 'ana', source: { kind: 'notebook', content: notebook } });
    expect(response.status).toBe(200);
    const analysis = (await response.json()) as PreflightAnalysis;
    expect(analysis.sample?.status).toBe('skipped');
    expect(analysis.sample?.reason).toMatch(/no folder/);
  });
});

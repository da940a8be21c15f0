import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import type { PreflightAnalysis } from '../../src/preflight/analysis.js';
import { dofcCli } from './cli-process.js';
import { postJson, startTestService, waitForState, type TestService, apiFetch, createApiToken } from '../support/service.js';

interface TimelineEvent {
  type: string;
  code: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

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
 * One service with a 1 MB interactive shuffle threshold, so that a notebook grouping a 4 MB CSV
 * is an L job too heavy for the interactive pool.
 */
describe('pre-flight in the service', () => {
  let service: TestService;
  /** Credentials for the dofc CLI processes these tests start. */
  let cliEnv: Record<string, string> = {};
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-preflight-job-'));
  const csv = path.join(folder, 'events.csv');
  const notebookPath = path.join(folder, 'group.ipynb');
  const heavyNotebook = notebookText([
    'import pandas as pd',
    "df = pd.read_csv('events.csv')",
    "print(df.groupby('key')['value'].sum().shape)",
    // Keeps the job running after three of four cells, so the scheduler reads progress and re-estimates.
    'import time; time.sleep(1.5)',
  ]);
  const heavyJob = { owner: 'ana', label: 'L', source: { kind: 'notebook', path: notebookPath, content: heavyNotebook } };

  beforeAll(async () => {
    const rows = ['key,value'];
    for (let i = 0; i < 200_000; i += 1) rows.push(`k${i % 97},${i}`);
    writeFileSync(csv, `${rows.join('\n')}\n`);
    writeFileSync(notebookPath, heavyNotebook);
    process.env['DOFC_INTERACTIVE_MAX_SHUFFLE_GB'] = '0.001';
    // These cases check history-based estimates; sample-runs-service.test.ts covers sample runs.
    process.env['DOFC_SAMPLE_RUNS'] = 'off';
    service = await startTestService();
    cliEnv = { DOFC_TOKEN: await createApiToken(service.url) };
  });

  afterAll(async () => {
    delete process.env['DOFC_INTERACTIVE_MAX_SHUFFLE_GB'];
    delete process.env['DOFC_SAMPLE_RUNS'];
    await service?.stopAndDrop();
  });

  it('mislabelled L job reading a large input moves to H', async () => {
    const response = await postJson(service.url, '/jobs', heavyJob);
    expect(response.status).toBe(201);
    const submitted = (await response.json()) as JobView;

    const job = await waitForState(service.url, submitted.job_id);
    expect(job.state).toBe('succeeded');
    expect(job.label).toBe('H');
    expect(job.pool).toBe('heavy');
    expect(job.spec['est_shuffle_gb']).toBeGreaterThan(0.001);

    const preflight = (await eventsOf(service.url, job.job_id)).find((event) => event.type === 'preflight');
    expect(preflight?.code).toBe('interactive_shuffle_exceeded');
    expect(preflight?.message).toMatch(/moved to H/);
    expect(preflight?.data?.['input_bytes']).toBe(statSync(csv).size);
    expect(preflight?.data?.['eta_basis']).toBe('unknown');
  });

  it('running job gets a live eta event', async () => {
    const [job] = await service.db('jobs').where({ owner: 'ana' });
    const etas = (await eventsOf(service.url, job.id)).filter((event) => event.type === 'eta');
    expect(etas.length).toBeGreaterThan(0);
    const first = etas[0]?.data ?? {};
    expect(first['done']).toBeGreaterThan(0);
    expect(first['total']).toBe(4);
    expect(first['remaining_s']).toBeGreaterThanOrEqual(0);
    expect(first['total_s']).toBeGreaterThan(0);
  });

  it('finished run is recorded in the history', async () => {
    const rows = await service.db('run_history').where({ owner: 'ana' });
    expect(rows).toHaveLength(1);
    expect(rows[0].outcome).toBe('succeeded');
    expect(Number(rows[0].input_bytes)).toBe(statSync(csv).size);
    expect(Number(rows[0].runtime_s)).toBeGreaterThan(0);
  });

  it('POST /preflight estimates from the recorded run without storing a job', async () => {
    const before = await service.db('jobs').count<{ count: string }[]>('* as count');
    const response = await postJson(service.url, '/preflight', heavyJob);
    expect(response.status).toBe(200);
    const analysis = (await response.json()) as PreflightAnalysis;

    const [run] = await service.db('run_history').where({ owner: 'ana' });
    expect(analysis.eta_basis).toBe('fingerprint');
    expect(analysis.eta_p50_s).toBeCloseTo(Number(run.runtime_s), 6);
    expect(analysis.eta_p90_s).toBeCloseTo(2 * Number(run.runtime_s), 6);
    expect(analysis.label.moved).toBe(true);
    expect(analysis.inputs[0]?.format).toBe('csv');
    expect(analysis.cost_core_hours).toBeGreaterThan(0);
    expect(Date.parse(analysis.finish_eta ?? '')).toBeGreaterThan(Date.now());

    const after = await service.db('jobs').count<{ count: string }[]>('* as count');
    expect(Number(after[0]?.count)).toBe(Number(before[0]?.count));
  });

  it('dofc preflight prints the analysis', async () => {
    const run = await dofcCli(['preflight', notebookPath, '--owner', 'ana', '--url', service.url], cliEnv);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/eta_p50_s \d+ s, eta_p90_s \d+ s \(fingerprint, 1 past runs\)/);
    expect(run.stdout).toMatch(/label L -> H \(heavy pool\)/);
    expect(run.stdout).toMatch(/core-hours/);
    expect(run.stdout).toContain(`input events.csv (discovered): ${statSync(csv).size} bytes, csv, 1 files`);
  });

  it('dofc preflight --json prints the analysis object', async () => {
    const run = await dofcCli(['preflight', notebookPath, '--owner', 'ana', '--json', '--url', service.url], cliEnv);
    expect(run.code).toBe(0);
    const analysis = JSON.parse(run.stdout) as PreflightAnalysis;
    expect(analysis.label.verdict).toBe('H');
    expect(analysis.eta_basis).toBe('fingerprint');
    expect(analysis.input_bytes).toBe(statSync(csv).size);
  });

  it('light job without inputs keeps its L label', async () => {
    const response = await postJson(service.url, '/preflight', {
      owner: 'bo',
      source: { kind: 'notebook', content: notebookText(['x = 1 + 1']) },
    }, {}, 'bo');
    const analysis = (await response.json()) as PreflightAnalysis;
    expect(analysis.label).toEqual({ requested: 'L', verdict: 'L', pool: 'interactive', moved: false, reason: null });
    expect(analysis.eta_basis).toBe('unknown');
    expect(analysis.eta_p50_s).toBeNull();
  });

  it.each([
    { name: 'missing source', body: { owner: 'ana' }, error: 'invalid_job_spec' },
    { name: 'relative source path', body: { owner: 'ana', source: { kind: 'script', path: 'a.py' } }, error: 'source_path_not_absolute' },
    { name: 'text that is no notebook', body: { owner: 'ana', source: { kind: 'notebook', content: 'x' } }, error: 'not_a_notebook' },
  ])('POST /preflight rejects $name with 400', async ({ body, error }) => {
    const response = await postJson(service.url, '/preflight', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });
});

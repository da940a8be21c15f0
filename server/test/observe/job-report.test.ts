import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliError, EXIT } from '../../src/cli/client.js';
import { registerReportCommand } from '../../src/cli/commands/report.js';
import type { JobView } from '../../src/contract/job-view.js';
import type { JobReport } from '../../src/observe/job-report/types.js';
import { createApiToken, inlineNotebookJob, postJson, startTestService, waitForState, type TestService, apiFetch } from '../support/service.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';
import { storeKindUnderTest } from '../support/test-store.js';

const SPARK_EVENT_LOG = 'spark-events/local-1532512550423';

/** Run `dofc report` in-process and return what it printed. */
async function runReportCommand(...args: string[]): Promise<string> {
  const program = new Command('dofc').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerReportCommand(program);
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  await program.parseAsync(['node', 'dofc', 'report', ...args]);
  return printed.join('');
}

describe(`GET /jobs/:id/report on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let timed: JobView;
  let retried: JobView;
  let notBefore: string;

  async function submit(body: Record<string, unknown>): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as JobView;
  }

  async function reportOf(jobId: number): Promise<JobReport> {
    const response = await apiFetch(service.url, `/jobs/${jobId}/report`);
    expect(response.status).toBe(200);
    return (await response.json()) as JobReport;
  }

  beforeAll(async () => {
    // FIFO promises exactly the requested not_before start, which makes the promise known in advance.
    service = await startTestService({ capacity: { cores: 8, memGb: 32 }, policy: 'fifo' });
    // `dofc report` runs in this process and sends the DOFC_TOKEN it finds in the environment.
    vi.stubEnv('DOFC_TOKEN', await createApiToken(service.url));
    // Far enough ahead that pre-flight has queued the job before it, even on a busy machine.
    notBefore = new Date(Date.now() + 10_000).toISOString();
    const timedJob = await submit(
      inlineNotebookJob(['import time', 'time.sleep(0.3)', 'print("done")'], { eta_p50_s: 20, eta_p90_s: 40, not_before: notBefore }),
    );
    // Pre-flight handles waiting jobs one after another, so the second job is sent once the first is queued.
    await waitForState(service.url, timedJob.job_id, new Set(['queued']));
    // The first attempt kills its own runner (the kernel's parent), which the scheduler retries.
    const retriedJob = await submit(
      inlineNotebookJob(["import os, signal\nif os.environ['DOFC_ATTEMPT'] == '1':\n    os.kill(os.getppid(), signal.SIGKILL)"], {
        retry_policy: { max_attempts: 2, backoff_s: 0 },
      }),
    );
    [timed, retried] = await Promise.all([waitForState(service.url, timedJob.job_id), waitForState(service.url, retriedJob.job_id)]);
  }, 150_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await service?.stopAndDrop();
  });
  afterEach(() => vi.restoreAllMocks());

  it('lists per-cell times of a notebook', async () => {
    const report = await reportOf(timed.job_id);
    expect(report.cells.map((cell) => cell.cell)).toEqual([1, 2, 3]);
    expect(report.cells.every((cell) => cell.status === 'ok')).toBe(true);
    expect(report.cells[1]?.duration_s).toBeGreaterThanOrEqual(0.3);
  });

  it('compares actual runtime with the prediction', async () => {
    const { runtime } = await reportOf(timed.job_id);
    expect(runtime.predicted_p50_s).toBe(20);
    expect(runtime.predicted_p90_s).toBe(40);
    expect(runtime.actual_s).toBeGreaterThan(0.3);
    expect(runtime.ratio_to_p50).toBeCloseTo((runtime.actual_s as number) / 20, 2);
    expect(runtime.over_p90).toBe(false);
  });

  it('compares the first start with the promised start', async () => {
    const { queue } = await reportOf(timed.job_id);
    expect(queue.first_promised_start).toBe(notBefore);
    expect(queue.first_started_at).toBe(timed.started_at);
    expect(queue.late_by_s).toBeGreaterThanOrEqual(0);
    expect(queue.wait_s).toBeGreaterThanOrEqual(9.5);
    expect(queue.preflight_s).toBeGreaterThanOrEqual(0);
    expect(queue.preflight_s).toBeLessThan(queue.wait_s as number);
  });

  it('computes core-hours from attempt durations', async () => {
    const report = await reportOf(timed.job_id);
    const attempt = report.attempts[0];
    expect(report.usage.cores).toBe(1);
    expect(report.usage.core_hours).toBeCloseTo(((attempt?.duration_s as number) * report.usage.cores) / 3600, 4);
  });

  it('has no Spark section without an event log', async () => {
    expect((await reportOf(timed.job_id)).spark).toBeNull();
  });

  it('counts attempts and retries with the diagnosis of each', async () => {
    const report = await reportOf(retried.job_id);
    expect(retried.state).toBe('succeeded');
    expect(report.attempts.map((attempt) => attempt.code)).toEqual(['runner_killed', 'succeeded']);
    expect(report.retries).toBe(1);
    expect(report.attempts[0]?.diagnosis?.id).toBe('runner_killed');
    expect(report.attempts[1]?.diagnosis).toBeNull();
  });

  it('returns 404 for an unknown job', async () => {
    const response = await apiFetch(service.url, `/jobs/999999/report`);
    expect(response.status).toBe(404);
  });

  it('dofc report ID prints the report as text', async () => {
    const text = await runReportCommand(String(timed.job_id), '--url', service.url);
    expect(text).toContain(`Job ${timed.job_id} (ana, interactive): succeeded`);
    expect(text).toMatch(/Runtime +[\d.]+ s actual against predicted 20\.0 s \(p50\), 40\.0 s \(p90\)/);
    expect(text).toMatch(/Cells +3 timed; slowest first\n {2}cell 2 /);
  });

  it('dofc report ID --json prints the API report', async () => {
    const printed = JSON.parse(await runReportCommand(String(retried.job_id), '--json', '--url', service.url)) as JobReport;
    expect(printed).toEqual(await reportOf(retried.job_id));
  });

  it('dofc report without an id or a log exits 2', async () => {
    const error = await runReportCommand().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.invalidInput);
  });

  const sparkLog = sharedDataPath(SPARK_EVENT_LOG);
  it.skipIf(sparkLog === null)(sparkLog === null ? missingDataMessage(SPARK_EVENT_LOG) : 'includes the Spark analysis of an event log', async () => {
    const eventsDir = path.join(service.config.dataDir, 'jobs', String(timed.job_id), 'attempt-1', 'spark-events');
    mkdirSync(eventsDir, { recursive: true });
    copyFileSync(sparkLog as string, path.join(eventsDir, 'local-1532512550423'));

    const { spark } = await reportOf(timed.job_id);
    expect(spark).not.toBeNull();
    expect(spark && 'report' in spark ? spark.report.application.id : spark).toBe('local-1532512550423');
  });
});

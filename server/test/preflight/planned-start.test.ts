import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAnalysis } from '../../src/cli/commands/preflight.js';
import type { JobView } from '../../src/contract/job-view.js';
import type { PreflightAnalysis } from '../../src/preflight/analysis.js';
import type { PlannedStart } from '../../src/preflight/planned-start.js';
import { inlineNotebookJob, postJson, startTestService, waitForState, type TestService } from '../support/service.js';

type PreflightResponse = PreflightAnalysis & PlannedStart;

const MINUTE_MS = 60_000;

async function preflight(base: string, body: Record<string, unknown>): Promise<PreflightResponse> {
  // Sample runs would start Python processes; the planned start does not depend on them.
  const response = await postJson(base, '/preflight?samples=off', body);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as PreflightResponse;
}

function shortJob(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return inlineNotebookJob(['x = 1'], { eta_p50_s: 60, eta_p90_s: 120, ...extra });
}

/**
 * One service with a small fixed capacity. The cases run in order: the last one queues a heavy
 * job, which the earlier ones must not see.
 */
describe('pre-flight planned start', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 4, memGb: 16 } });
  });

  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('idle service plans the start now', async () => {
    const before = Date.now();
    const result = await preflight(service.url, shortJob());
    const after = Date.now();

    expect(result.planned_start).not.toBeNull();
    const start = Date.parse(result.planned_start!);
    expect(start).toBeGreaterThanOrEqual(before);
    expect(start).toBeLessThanOrEqual(after);
    expect(result.planned_start_reason.code).toBe('capacity_available');
    expect(result.planned_start_reason.message).toBe("Would start now: the interactive pool has room.");
    expect(result.eta_p90_s).not.toBeNull();
    expect(Date.parse(result.finish_eta_p90!) - start).toBe(result.eta_p90_s! * 1000);
    expect(Date.parse(result.finish_eta_p50!) - start).toBe(result.eta_p50_s! * 1000);
  });

  it('requested start in the future is the planned start', async () => {
    const notBefore = new Date(Date.now() + 120 * MINUTE_MS).toISOString();
    const result = await preflight(service.url, shortJob({ not_before: notBefore }));

    expect(result.planned_start).not.toBeNull();
    expect(Date.parse(result.planned_start!)).toBe(Date.parse(notBefore));
    expect(result.planned_start_reason.code).toBe('not_before');
    expect(Date.parse(result.finish_eta_p90!)).toBe(Date.parse(notBefore) + result.eta_p90_s! * 1000);
    expect(formatAnalysis('job.ipynb', result)).toContain(`planned start ${result.planned_start}: Waits for its requested start`);
  });

  it('heavy job waits behind the same user’s heavy job', async () => {
    // The queued heavy job starts in 10 minutes and may run 20, so a second one-hour heavy job of
    // the same user cannot run before it ends under the one-heavy-job-per-user cap.
    const blockerStart = Date.now() + 10 * MINUTE_MS;
    const submitted = await postJson(
      service.url,
      '/jobs',
      shortJob({ label: 'H', not_before: new Date(blockerStart).toISOString(), eta_p50_s: 600, eta_p90_s: 1200 }),
    );
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const blocker = (await submitted.json()) as JobView;
    await waitForState(service.url, blocker.job_id, new Set(['queued']), 30_000);

    const result = await preflight(service.url, shortJob({ label: 'H', eta_p50_s: 1800, eta_p90_s: 3600 }));

    expect(result.label.pool).toBe('heavy');
    expect(result.planned_start).not.toBeNull();
    expect(Date.parse(result.planned_start!)).toBeGreaterThan(blockerStart);
    expect(result.planned_start_reason.code).toBe('heavy_user_cap');
    expect(result.planned_start_reason.message).toContain(`heavy job ${blocker.job_id}`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, waitForState, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

interface TimelineEvent {
  type: string;
  to_state: string | null;
  code: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

/** Build a first cell that fails attempt 1 in the given way and does nothing on later attempts. */
function failFirstAttempt(failure: string): string {
  return `import os\nif os.environ["DOFC_ATTEMPT"] == "1":\n${failure
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}`;
}

// The runner's pid is in the attempt's `started` marker; the working folder of an inline job is beside the attempt folders.
const KILL_OWN_RUNNER = 'import json, signal\npid = json.load(open(f"../attempt-{os.environ[\'DOFC_ATTEMPT\']}/started"))["pid"]\nos.killpg(pid, signal.SIGKILL)';
// A petabyte cannot be allocated on any machine this runs on, so Python raises a real MemoryError.
const RUN_OUT_OF_MEMORY = 'bytearray(1 << 50)';

describe(`smart retry with the local runner on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  // The four jobs run at once, on room for all of them, so the file takes as long as its slowest job.
  const submissions = {
    killed: inlineNotebookJob([failFirstAttempt(KILL_OWN_RUNNER), 'print("done")'], {
      retry_policy: { max_attempts: 3, backoff_s: 1 },
    }),
    outOfMemory: inlineNotebookJob([failFirstAttempt(RUN_OUT_OF_MEMORY), 'print("done")'], {
      retry_policy: { max_attempts: 2, backoff_s: 0 },
      mem_per_executor_gb: 2,
    }),
    atCeiling: inlineNotebookJob([RUN_OUT_OF_MEMORY], { owner: 'ben', retry_policy: { max_attempts: 3, backoff_s: 0 }, mem_per_executor_gb: 3 }),
    userCode: inlineNotebookJob(['raise ValueError("bad input")'], { retry_policy: { max_attempts: 3, backoff_s: 0 } }),
  };
  const ids: Record<keyof typeof submissions, number> = { killed: 0, outOfMemory: 0, atCeiling: 0, userCode: 0 };

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
    // ben's jobs may hold 3 GB at most, which his at-ceiling job already requests.
    const ceiling = await apiFetch(
      service.url,
      '/admin/policy',
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ settings: { heavy: { executorCeilings: { users: { ben: { cores: 2, memGb: 3 } } } } } }),
      },
      'admin',
    );
    expect(ceiling.status, await ceiling.clone().text()).toBe(200);

    for (const key of Object.keys(submissions) as Array<keyof typeof submissions>) {
      const owner = submissions[key]['owner'] as string;
      const response = await postJson(service.url, '/jobs', submissions[key], {}, owner);
      expect(response.status, await response.clone().text()).toBe(201);
      ids[key] = ((await response.json()) as JobView).job_id;
    }
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function timeline(jobId: number): Promise<TimelineEvent[]> {
    const response = await apiFetch(service.url, `/jobs/${jobId}/events`);
    return ((await response.json()) as { events: TimelineEvent[] }).events;
  }

  it('retries a runner killed by someone else as infrastructure', async () => {
    const done = await waitForState(service.url, ids.killed, undefined, 60_000);
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(2);

    const events = await timeline(ids.killed);
    const ends = events.filter((event) => event.type === 'attempt_ended');
    expect(ends.map((event) => event.code)).toEqual(['infrastructure']);
    expect(ends[0]?.data).toMatchObject({ attempt: 1, failure_class: 'infrastructure', reason_code: 'runner_killed' });
    const retrying = events.find((event) => event.to_state === 'retrying');
    // backoff_s 1 with jitter waits from 0.5 s to 1 s, which the message rounds to 1 s.
    expect(retrying?.message).toMatch(/Attempt 1 of 3 failed \(infrastructure\); trying again in [01] s\.$/);

    const report = (await (await apiFetch(service.url, `/jobs/${ids.killed}/report`)).json()) as {
      attempts: Array<{ diagnosis: { id: string; action: string } | null }>;
    };
    expect(report.attempts[0]?.diagnosis?.id).toBe('runner_killed');
    expect(report.attempts[0]?.diagnosis?.action).toMatch(/no sign of running out of memory/);
  });

  it('retries a MemoryError with half again the memory per executor', async () => {
    const done = await waitForState(service.url, ids.outOfMemory, undefined, 60_000);
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(2);
    expect(done.spec['mem_per_executor_gb']).toBe(3);

    const events = await timeline(ids.outOfMemory);
    expect(events.filter((event) => event.type === 'attempt_ended').map((event) => event.code)).toEqual(['out_of_memory']);
    const retrying = events.find((event) => event.to_state === 'retrying');
    expect(retrying?.message).toMatch(/with 3 GB per executor\.$/);
    expect(retrying?.data).toMatchObject({ mem_per_executor_gb: 3 });
  });

  it('fails a MemoryError at the memory ceiling and names the ceiling', async () => {
    const done = await waitForState(service.url, ids.atCeiling, undefined, 60_000, 'ben');
    expect(done.state).toBe('failed');
    expect(done.attempt).toBe(1);
    expect(done.reason?.message).toMatch(/the memory ceiling of 3 GB for 1 executor\(s\) leaves no room for more/);
  });

  it('does not retry an error in the code and records its class', async () => {
    const done = await waitForState(service.url, ids.userCode, undefined, 60_000);
    expect(done.state).toBe('failed');
    expect(done.attempt).toBe(1);
    expect(done.reason?.code).toBe('cell_error');
    const ends = (await timeline(ids.userCode)).filter((event) => event.type === 'attempt_ended');
    expect(ends.map((event) => event.code)).toEqual(['user_code']);
  });
});

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, JobView } from '../../src/contract/job-view.js';
import { diagnoseAttempt, diagnoseFailure, type Diagnosis } from '../../src/observe/error-catalogue/index.js';
import { inlineNotebookJob, postJson, startTestService, waitForState, type TestService, apiFetch } from '../support/service.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';
import { storeKindUnderTest } from '../support/test-store.js';
import { notebookOf, runRunnerAttempt } from './runner-attempt.js';

const SKEWED_EVENT_LOG = 'spark-events/eventlog_4nodes_8cores_dynamic_alloc';

/** Mount a 64 KiB tmpfs, on which writing fails with a real ENOSPC; return null when mounting is not permitted. */
function mountTinyTmpfs(): string | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dofc-tiny-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status === 0) return dir;
  rmSync(dir, { recursive: true, force: true });
  return null;
}

const tinyDisk = mountTinyTmpfs();

function script(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { owner: 'ana', source: { kind: 'script', content }, ...extra };
}

/** Each case is code that really fails; the diagnosis id is what the catalogue must name. */
const RUNNER_CASES: Array<{ rule: string; expected: string; kind: 'notebook' | 'script'; source: string; skip?: string }> = [
  {
    rule: 'MemoryError under an address-space limit is python_out_of_memory',
    expected: 'python_out_of_memory',
    kind: 'notebook',
    source: notebookOf([
      [
        'import resource',
        "size_kb = int(next(l for l in open('/proc/self/status') if l.startswith('VmSize:')).split()[1])",
        'limit = (size_kb + 512 * 1024) * 1024',
        'resource.setrlimit(resource.RLIMIT_AS, (limit, limit))',
        'block = bytearray(16 * 1024 ** 3)',
      ].join('\n'),
    ]),
  },
  {
    rule: 'a killed kernel is kernel_died',
    expected: 'kernel_died',
    kind: 'notebook',
    source: notebookOf(['import os, signal; os.kill(os.getpid(), signal.SIGKILL)']),
  },
  {
    rule: 'a missing module in a script is module_not_found',
    expected: 'module_not_found',
    kind: 'script',
    source: 'import dofc_module_that_is_not_installed\n',
  },
  {
    rule: 'an unreadable file in a script is permission_denied',
    expected: 'permission_denied',
    kind: 'script',
    // Root reads any file, so the script drops to an unprivileged user before it opens one.
    source: [
      'import os',
      "open('secret.txt', 'w').write('x')",
      "os.chmod('secret.txt', 0)",
      'if os.geteuid() == 0:',
      '    os.setuid(65534)',
      "open(os.path.abspath('secret.txt'))",
    ].join('\n'),
  },
  {
    rule: 'writing to a full file system is disk_full',
    expected: 'disk_full',
    kind: 'script',
    source: `open(${JSON.stringify(path.join(tinyDisk ?? '/nonexistent', 'big.bin'))}, 'wb').write(b'x' * 1024 * 1024)\n`,
    ...(tinyDisk === null ? { skip: 'mounting a tmpfs is not permitted here, so ENOSPC cannot be produced' } : {}),
  },
  {
    rule: 'Spark reading a missing path is spark_path_not_found',
    expected: 'spark_path_not_found',
    kind: 'script',
    source: [
      'from pyspark.sql import SparkSession',
      "spark = SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false').getOrCreate()",
      "spark.read.csv('/nonexistent/dofc-missing-input.csv')",
    ].join('\n'),
  },
  {
    rule: 'a script exiting non-zero without a known cause is script_error',
    expected: 'script_error',
    kind: 'script',
    source: "raise SystemExit('stopping on purpose')\n",
  },
];

describe('error catalogue on real runner failures', () => {
  const diagnoses = new Map<string, Diagnosis | null>();

  beforeAll(async () => {
    // The cases run at once, so the slow Spark start overlaps the kernel starts.
    const runnable = RUNNER_CASES.filter((testCase) => testCase.skip === undefined);
    await Promise.all(
      runnable.map(async (testCase) => {
        const attempt = await runRunnerAttempt(testCase.kind, testCase.source);
        const reason = { code: attempt.result?.code ?? 'runner_error', message: attempt.result?.message ?? 'no result.json' };
        const diagnosis = await diagnoseAttempt({ attemptDir: attempt.attemptDir, reason, result: attempt.result, exit: attempt.exit, timeoutS: 60 });
        diagnoses.set(testCase.rule, diagnosis);
      }),
    );
  }, 180_000);

  afterAll(() => {
    if (tinyDisk !== null) {
      spawnSync('umount', [tinyDisk], { stdio: 'ignore' });
      rmSync(tinyDisk, { recursive: true, force: true });
    }
  });

  for (const testCase of RUNNER_CASES) {
    const name = testCase.skip === undefined ? testCase.rule : `${testCase.rule} (skipped: ${testCase.skip})`;
    it.skipIf(testCase.skip !== undefined)(name, () => {
      const diagnosis = diagnoses.get(testCase.rule);
      expect(diagnosis?.id, JSON.stringify(diagnosis)).toBe(testCase.expected);
      expect(diagnosis?.summary).toMatch(/\.$/);
      expect(diagnosis?.action.length).toBeGreaterThan(20);
      expect(diagnosis?.detail.length).toBeGreaterThan(0);
    });
  }
});

describe(`error catalogue in the scheduler (${storeKindUnderTest()})`, () => {
  let service: TestService;
  let missingFile: JobView;
  let timedOut: JobView;

  async function submit(body: Record<string, unknown>): Promise<JobView> {
    const response = await postJson(service.url, '/jobs', body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as JobView;
  }

  async function diagnosisOf(jobId: number): Promise<Diagnosis> {
    const { events } = (await (await apiFetch(service.url, `/jobs/${jobId}/events`)).json()) as { events: JobEvent[] };
    const failure = events.find((event) => event.to_state === 'failed');
    return failure?.data?.['diagnosis'] as Diagnosis;
  }

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
    const jobs = await Promise.all([
      submit(inlineNotebookJob(['x = 1', "open('no-such-input.csv')"])),
      submit(script('import time\ntime.sleep(60)\n', { timeout_s: 1 })),
    ]);
    const [first, second] = jobs as [JobView, JobView];
    [missingFile, timedOut] = await Promise.all([
      waitForState(service.url, first.job_id, undefined, 100_000),
      waitForState(service.url, second.job_id, undefined, 100_000),
    ]);
  }, 120_000);
  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('records the diagnosis of a failed cell', async () => {
    const diagnosis = await diagnosisOf(missingFile.job_id);
    expect(diagnosis.id).toBe('file_not_found');
    expect(diagnosis.summary).toMatch(/^Cell 2 opened the file no-such-input\.csv, which does not exist\./);
    expect(diagnosis.detail).toContain(missingFile.reason?.message);
  });

  it('keeps reason.code stable', () => {
    expect(missingFile.reason?.code).toBe('cell_error');
    expect(timedOut.reason?.code).toBe('timeout');
  });

  it('explains a timeout from the code', async () => {
    const diagnosis = await diagnosisOf(timedOut.job_id);
    expect(diagnosis.id).toBe('timeout');
    expect(diagnosis.summary).toContain('timeout of 1 s');
  });

  const skewLog = sharedDataPath(SKEWED_EVENT_LOG);
  it.skipIf(skewLog === null)(skewLog === null ? missingDataMessage(SKEWED_EVENT_LOG) : 'timeout with a skewed Spark log is data_skew', async () => {
    const job = await submit(script('import time\ntime.sleep(60)\n', { timeout_s: 3 }));
    await waitForState(service.url, job.job_id, new Set(['running']));

    // A Spark job writes its event log into the attempt folder, so a real skewed log is copied there.
    const eventsDir = path.join(service.config.dataDir, 'jobs', String(job.job_id), 'attempt-1', 'spark-events');
    mkdirSync(eventsDir, { recursive: true });
    copyFileSync(skewLog as string, path.join(eventsDir, 'application_1'));

    const done = await waitForState(service.url, job.job_id, undefined, 60_000);
    expect(done.reason?.code).toBe('timeout');
    expect((await diagnosisOf(done.job_id)).id).toBe('data_skew');
  });
});

describe('error catalogue coverage', () => {
  const SCHEDULER_CODES = [
    'cell_error',
    'script_error',
    'runner_error',
    'runner_lost',
    'runner_killed',
    'timeout',
    'workdir_missing',
    'start_failed',
    'preflight_failed',
  ];

  it.each(SCHEDULER_CODES)('failure code %s has its own entry', (code) => {
    const diagnosis = diagnoseFailure({ code, message: `recorded ${code}` });
    expect(diagnosis.id).toBe(code);
    expect(diagnosis.detail).toBe(`recorded ${code}`);
  });

  it('unknown failure code still gets an explanation', () => {
    expect(diagnoseFailure({ code: 'new_code', message: 'm' }).id).toBe('unexplained');
  });

  it('scheduler codes ignore exceptions in the log', () => {
    const diagnosis = diagnoseFailure({ code: 'runner_killed', message: 'killed', exitSignal: 'SIGKILL', logTail: 'MemoryError' });
    expect(diagnosis.id).toBe('runner_killed');
    expect(diagnosis.action).toMatch(/out-of-memory killer/);
  });
});

import { describe, expect, it } from 'vitest';
import { RetryPolicySchema } from '../../src/contract/job-spec.js';
import type { AttemptStatus, FailureClass, RunnerResult } from '../../src/executors/executor.js';
import { classifyAttemptEnd } from '../../src/scheduler/failure-class.js';
import { backoffMs, decideRetry, type FailedAttempt } from '../../src/scheduler/retry.js';

type Ended = Extract<AttemptStatus, { kind: 'ended' }>;

function ended(result: RunnerResult | null, exit: Ended['exit'] = { code: 0, signal: null }): Ended {
  return { kind: 'ended', result, exit, progress: null, checkpoints: [] };
}

function cellFailure(ename: string, evalue: string, extra: Partial<RunnerResult> = {}): RunnerResult {
  return {
    outcome: 'failed',
    code: 'cell_error',
    message: `Cell 1 of 1 raised ${ename}: ${evalue}.`,
    failed_cell: { index: 0, code_cell_number: 1, ename, evalue, source_head: 'x' },
    ...extra,
  };
}

describe('failure classification', () => {
  const cases: Array<[string, { stop?: 'cancel' | 'timeout' | 'pause' | null; status: Ended; log?: string }, FailureClass, string]> = [
    ['runner class wins over the exception', { status: ended(cellFailure('ValueError', 'x', { failure_class: 'infrastructure' })) }, 'infrastructure', 'cell_error'],
    ['error in the code is user_code', { status: ended(cellFailure('ZeroDivisionError', 'division by zero')) }, 'user_code', 'cell_error'],
    ['MemoryError is out_of_memory', { status: ended(cellFailure('MemoryError', '')) }, 'out_of_memory', 'cell_error'],
    ['dead kernel is out_of_memory', { status: ended(cellFailure('DeadKernelError', 'Kernel died')) }, 'out_of_memory', 'cell_error'],
    ['Java heap exhaustion is out_of_memory', { status: ended(cellFailure('Py4JJavaError', 'java.lang.OutOfMemoryError: Java heap space')) }, 'out_of_memory', 'cell_error'],
    ['lost Spark executor is executor_lost', { status: ended(cellFailure('Py4JJavaError', 'ExecutorLostFailure (executor 3 exited)')) }, 'executor_lost', 'cell_error'],
    ['fault of the runner is infrastructure', { status: ended({ outcome: 'failed', code: 'runner_error', message: 'boom' }) }, 'infrastructure', 'runner_error'],
    ['missing working folder is infrastructure', { status: ended({ outcome: 'failed', code: 'workdir_missing', message: 'gone' }) }, 'infrastructure', 'workdir_missing'],
    ['SIGKILL without evidence is infrastructure', { status: ended(null, { code: null, signal: 'SIGKILL' }) }, 'infrastructure', 'runner_killed'],
    ['SIGKILL with OOM killer evidence is out_of_memory', { status: ended(null, { code: null, signal: 'SIGKILL' }), log: 'Out of memory: Killed process 4242 (python)' }, 'out_of_memory', 'runner_killed'],
    ['SIGTERM from someone else is infrastructure', { status: ended(null, { code: null, signal: 'SIGTERM' }) }, 'infrastructure', 'runner_killed'],
    ['exit without result is infrastructure', { status: ended(null, { code: 1, signal: null }) }, 'infrastructure', 'runner_error'],
    ['runner lost after restart is infrastructure', { status: ended(null, null) }, 'infrastructure', 'runner_lost'],
    ['timeout stop is timeout', { stop: 'timeout', status: ended(null, { code: null, signal: 'SIGTERM' }) }, 'timeout', 'timeout'],
    ['paused result is preempted', { stop: 'pause', status: ended({ outcome: 'paused', message: 'Paused before cell 3 of 5.' }) }, 'preempted', 'paused'],
    ['pause ended by a kill is preempted', { stop: 'pause', status: ended(null, { code: null, signal: 'SIGKILL' }) }, 'preempted', 'paused'],
    ['code failure during a pause stays user_code', { stop: 'pause', status: ended(cellFailure('KeyError', "'a'")) }, 'user_code', 'cell_error'],
  ];

  it.each(cases)('%s', (_name, input, failureClass, code) => {
    const classified = classifyAttemptEnd({ stop_reason: input.stop ?? null }, input.status, 60, input.log ?? '');
    expect(classified.failureClass).toBe(failureClass);
    expect(classified.reason.code).toBe(code);
  });
});

describe('retry decision', () => {
  const policy = RetryPolicySchema.parse({ max_attempts: 3, backoff_s: 10, max_backoff_s: 25 });
  const base: FailedAttempt = {
    failureClass: 'infrastructure',
    reason: { code: 'runner_killed', message: 'The runner was killed by SIGKILL.' },
    failedAttempts: 1,
    policy,
    maxExecutors: 2,
    memPerExecutorGb: 2,
    memCeilingGb: 16,
  };
  const midpoint = () => 0.5;

  const retryable: Array<[string, Partial<FailedAttempt>, 'retry' | 'failed']> = [
    ['infrastructure retries', {}, 'retry'],
    ['executor_lost retries', { failureClass: 'executor_lost' }, 'retry'],
    ['out_of_memory retries', { failureClass: 'out_of_memory' }, 'retry'],
    ['user_code never retries', { failureClass: 'user_code' }, 'failed'],
    ['timeout fails without retry_timeout', { failureClass: 'timeout' }, 'failed'],
    ['timeout retries with retry_timeout', { failureClass: 'timeout', policy: { ...policy, retry_timeout: true } }, 'retry'],
    ['last allowed attempt fails', { failedAttempts: 3 }, 'failed'],
    ['single-attempt policy fails', { policy: { ...policy, max_attempts: 1 } }, 'failed'],
  ];

  it.each(retryable)('%s', (_name, change, kind) => {
    expect(decideRetry({ ...base, ...change }, midpoint).kind).toBe(kind);
  });

  it('says how many attempts failed when the budget runs out', () => {
    const verdict = decideRetry({ ...base, failedAttempts: 3 }, midpoint);
    expect(verdict.reason.message).toMatch(/All 3 attempts allowed by retry_policy.max_attempts have failed/);
  });

  it('names the class, the attempt and the wait in a retry', () => {
    const verdict = decideRetry(base, midpoint);
    expect(verdict.reason.message).toMatch(/Attempt 1 of 3 failed \(infrastructure\); trying again in 8 s\.$/);
  });

  it('grows memory per executor by half after out_of_memory', () => {
    const verdict = decideRetry({ ...base, failureClass: 'out_of_memory' }, midpoint);
    expect(verdict).toMatchObject({ kind: 'retry', memPerExecutorGb: 3 });
  });

  it('grows memory only up to the ceiling', () => {
    const verdict = decideRetry({ ...base, failureClass: 'out_of_memory', memCeilingGb: 5 }, midpoint);
    expect(verdict).toMatchObject({ kind: 'retry', memPerExecutorGb: 2.5 });
  });

  it('fails out_of_memory at the ceiling and says so', () => {
    const verdict = decideRetry({ ...base, failureClass: 'out_of_memory', memCeilingGb: 4 }, midpoint);
    expect(verdict.kind).toBe('failed');
    expect(verdict.reason.message).toMatch(/the memory ceiling of 4 GB for 2 executor\(s\) leaves no room for more/);
  });

  it('keeps memory unchanged for other classes', () => {
    expect(decideRetry(base, midpoint)).toMatchObject({ kind: 'retry', memPerExecutorGb: null });
  });
});

describe('retry backoff', () => {
  const policy = { backoff_s: 10, max_backoff_s: 25 };

  it.each([
    ['first retry waits half to all of the base', 1, 5_000, 7_500],
    ['second retry doubles it', 2, 10_000, 15_000],
    ['third retry is capped at max_backoff_s', 3, 12_500, 18_750],
  ])('%s', (_name, failedAttempts, shortestMs, midpointMs) => {
    expect(backoffMs(policy, failedAttempts, () => 0)).toBe(shortestMs);
    expect(backoffMs(policy, failedAttempts, () => 0.5)).toBe(midpointMs);
  });

  it('spreads retries of the same attempt with the random source', () => {
    const draws = [0.1, 0.9];
    const delays = draws.map((draw) => backoffMs(policy, 1, () => draw));
    expect(delays).toEqual([5_500, 9_500]);
  });
});

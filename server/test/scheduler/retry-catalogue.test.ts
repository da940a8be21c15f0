import { describe, expect, it } from 'vitest';
import type { FailureClass } from '../../src/executors/executor.js';
import { diagnoseFailure } from '../../src/observe/error-catalogue/index.js';

const FAILURE_CLASSES: FailureClass[] = ['user_code', 'out_of_memory', 'executor_lost', 'infrastructure', 'timeout', 'preempted'];

describe('error catalogue for failure classes', () => {
  it.each(FAILURE_CLASSES)('class %s has its own entry for an unknown code', (failureClass) => {
    const diagnosis = diagnoseFailure({ code: 'code_from_a_newer_runner', failureClass, message: 'recorded' });
    expect(diagnosis.id).toBe(failureClass);
    expect(diagnosis.summary.length).toBeGreaterThan(0);
    expect(diagnosis.action.length).toBeGreaterThan(0);
  });

  it.each([
    ['a known code wins over its class', { code: 'cell_error', failureClass: 'user_code', ename: 'KeyError', cellNumber: 2 }, 'cell_error'],
    ['a known exception wins over its class', { code: 'cell_error', failureClass: 'out_of_memory', ename: 'MemoryError' }, 'python_out_of_memory'],
    ['a kill with memory evidence is killed_out_of_memory', { code: 'runner_killed', failureClass: 'out_of_memory', exitSignal: 'SIGKILL' }, 'killed_out_of_memory'],
    ['a kill without memory evidence stays runner_killed', { code: 'runner_killed', failureClass: 'infrastructure', exitSignal: 'SIGKILL' }, 'runner_killed'],
  ] as const)('%s', (_name, facts, id) => {
    expect(diagnoseFailure({ message: 'recorded', ...facts }).id).toBe(id);
  });

  it('explains a kill without memory evidence as a retried fault', () => {
    const diagnosis = diagnoseFailure({ code: 'runner_killed', failureClass: 'infrastructure', exitSignal: 'SIGKILL', message: 'killed' });
    expect(diagnosis.action).toMatch(/no sign of running out of memory/);
    expect(diagnosis.action).toMatch(/retries it when retry_policy.max_attempts allows/);
  });

  it('tells how an out-of-memory kill is retried', () => {
    const diagnosis = diagnoseFailure({ code: 'runner_killed', failureClass: 'out_of_memory', exitSignal: 'SIGKILL', message: 'killed' });
    expect(diagnosis.action).toMatch(/1\.5 times the memory per executor/);
  });
});

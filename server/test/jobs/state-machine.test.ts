import { describe, expect, it } from 'vitest';
import { JOB_STATES, TERMINAL_STATES } from '../../src/contract/job-view.js';
import { canTransition } from '../../src/jobs/state-machine.js';

describe('job state machine', () => {
  it.each([
    ['submitted', 'preflight'],
    ['preflight', 'queued'],
    ['queued', 'starting'],
    ['starting', 'running'],
    ['starting', 'queued'],
    ['running', 'succeeded'],
    ['running', 'retrying'],
    ['running', 'paused'],
    ['retrying', 'queued'],
    ['paused', 'queued'],
    ['queued', 'cancelled'],
  ] as const)('allows %s to %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    ['submitted', 'running'],
    ['queued', 'running'],
    ['queued', 'succeeded'],
    ['paused', 'running'],
    ['preflight', 'starting'],
  ] as const)('rejects %s to %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('leaves no way out of a final state', () => {
    for (const from of TERMINAL_STATES) {
      for (const to of JOB_STATES) expect(canTransition(from, to)).toBe(false);
    }
  });
});

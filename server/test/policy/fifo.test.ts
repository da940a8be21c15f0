import { describe, expect, it } from 'vitest';
import { fifoPolicy } from '../../src/policy/fifo.js';
import type { PolicyJob, PolicySnapshot } from '../../src/policy/types.js';

function job(id: number, overrides: Partial<PolicyJob> = {}): PolicyJob {
  return {
    id,
    owner: 'ana',
    team: 'default',
    label: 'H',
    pool: 'heavy',
    priority: 'P2',
    demand: { cores: 1, memGb: 2 },
    submittedAt: id * 1000,
    notBefore: null,
    deadline: null,
    etaP50S: null,
    etaP90S: null,
    ...overrides,
  };
}

function snapshot(overrides: Partial<PolicySnapshot>): PolicySnapshot {
  return { now: 1_000_000, capacity: { cores: 4, memGb: 16 }, running: [], queued: [], ...overrides };
}

describe('fifoPolicy', () => {
  const policy = fifoPolicy({ interactive: 0.5, heavy: 0.5 });

  it('starts jobs in submit order until the pool is full', () => {
    const decisions = policy.decide(snapshot({ queued: [job(3), job(1), job(2)] }));
    const started = decisions.filter((d) => d.kind === 'start').map((d) => d.jobId);
    expect(started).toEqual([1, 2]);
    const waiting = decisions.find((d) => d.jobId === 3);
    expect(waiting).toMatchObject({ kind: 'wait', position: 1 });
  });

  it('keeps a later small job behind a blocked head', () => {
    const decisions = policy.decide(
      snapshot({ queued: [job(1, { demand: { cores: 3, memGb: 2 } }), job(2)], running: [{ ...job(9), startedAt: 0 }] }),
    );
    expect(decisions.every((d) => d.kind === 'wait')).toBe(true);
  });

  it('never commits more than the machine', () => {
    const running = [{ ...job(8, { pool: 'interactive', demand: { cores: 3, memGb: 2 } }), startedAt: 0 }];
    const decisions = policy.decide(snapshot({ running, queued: [job(1, { demand: { cores: 2, memGb: 2 } })] }));
    expect(decisions).toMatchObject([{ kind: 'wait', jobId: 1 }]);
  });

  it('holds a job until its not_before time', () => {
    const decisions = policy.decide(snapshot({ queued: [job(1, { notBefore: 2_000_000 })] }));
    expect(decisions).toMatchObject([{ kind: 'wait', jobId: 1, plannedStart: 2_000_000 }]);
  });

  it('admits a job larger than its pool share into an empty pool', () => {
    const decisions = policy.decide(snapshot({ queued: [job(1, { demand: { cores: 3, memGb: 4 } })] }));
    expect(decisions).toMatchObject([{ kind: 'start', jobId: 1 }]);
  });
});

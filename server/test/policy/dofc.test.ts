import { describe, expect, it } from 'vitest';
import { dofcPolicy } from '../../src/policy/dofc.js';
import type { Decision, PolicySnapshot } from '../../src/policy/types.js';
import { interactive, job, running, snapshot, STOCKHOLM, utc } from './fixtures.js';

/** Monday 2025-03-31 in Stockholm, UTC+2: local hour h is UTC hour h - 2. */
const local = (hour: number, minute = 0): number => utc(2025, 3, 31, hour - 2, minute);

const policy = dofcPolicy({ timeZone: STOCKHOLM, heavy: { teamCaps: { risk: { cores: 20, memGb: 80 } } } });

function decisionFor(decisions: Decision[], id: number): Decision | undefined {
  return decisions.find((decision) => decision.jobId === id);
}

function decide(state: PolicySnapshot, id: number): Decision | undefined {
  return decisionFor(policy.decide(state), id);
}

describe('dofcPolicy decisions', () => {
  it('starts a heavy job that fits', () => {
    expect(decide(snapshot(local(10), { queued: [job(1)] }), 1)).toMatchObject({
      kind: 'start',
      reason: { code: 'capacity_available', message: 'Started: the heavy pool had room.' },
    });
  });

  it('keeps a job wider than Heavy off the business-hours floor', () => {
    const decision = decide(snapshot(local(10), { queued: [job(1, { demand: { cores: 75, memGb: 100 }, etaP90S: 7200 })] }), 1);
    expect(decision).toMatchObject({ kind: 'wait', plannedStart: local(18), reason: { code: 'floor_business_hours' } });
    expect(decision?.reason.message).toContain('30%');
  });

  // Off-hours, wide heavy work runs only when its p90 ends before the floor returns.
  it('runs wide heavy work off-hours', () => {
    const short = job(1, { demand: { cores: 75, memGb: 100 }, etaP90S: 3600 });
    const long = job(2, { owner: 'bo', demand: { cores: 75, memGb: 100 }, etaP90S: 3 * 3600 });
    expect(decide(snapshot(local(7), { queued: [short] }), 1)).toMatchObject({ kind: 'start' });
    expect(decide(snapshot(local(7), { queued: [long] }), 2)).toMatchObject({
      kind: 'wait',
      plannedStart: local(18),
      reason: { code: 'floor_returns', message: 'Its p90 end would fall after the 30% interactive floor returns at 09:00; planned start about 18:00.' },
    });
  });

  it('lets interactive jobs use idle heavy capacity', () => {
    const wide = interactive(1, { demand: { cores: 60, memGb: 100 } });
    expect(decide(snapshot(local(10), { queued: [wide] }), 1)).toMatchObject({ kind: 'start' });
  });

  it('never lets Heavy hold the interactive floor', () => {
    const queued = Array.from({ length: 9 }, (_, i) => job(i + 1, { submittedAt: i }));
    const started = policy.decide(snapshot(local(10), { queued })).filter((d) => d.kind === 'start');
    expect(started).toHaveLength(7);
  });

  it('allows one running heavy job per user and names it', () => {
    const state = snapshot(local(10), {
      running: [running(job(42, { owner: 'ana' }), local(9), { etaP90S: 7200 })],
      queued: [job(1, { owner: 'ana' })],
    });
    expect(decide(state, 1)).toMatchObject({
      kind: 'wait',
      plannedStart: local(11),
      reason: { code: 'heavy_user_cap', message: 'You already run heavy job 42; one heavy job per user. Planned start about 11:00.' },
    });
  });

  it('holds a team to its heavy cap', () => {
    const state = snapshot(local(10), {
      running: [running(job(7, { team: 'risk', demand: { cores: 15, memGb: 10 } }), local(9, 30))],
      queued: [job(1, { team: 'risk' })],
    });
    expect(decide(state, 1)).toMatchObject({ kind: 'wait', plannedStart: local(10, 30), reason: { code: 'team_cap' } });
  });

  it('says until when the heavy pool is full', () => {
    const state = snapshot(local(10), {
      running: [running(job(9, { demand: { cores: 70, memGb: 100 } }), local(10), { etaP90S: 4 * 3600 + 20 * 60 })],
      queued: [job(1, { submittedAt: 1 }), job(2, { submittedAt: 2 })],
    });
    const decisions = policy.decide(state);
    expect(decisionFor(decisions, 1)).toMatchObject({
      kind: 'wait',
      position: 1,
      plannedStart: local(14, 20),
      reason: { code: 'pool_full', message: 'Heavy pool full until about 14:20.' },
    });
    expect(decisionFor(decisions, 2)).toMatchObject({
      kind: 'wait',
      position: 2,
      reason: { code: 'queued_behind', message: 'Position 2 in the heavy pool; planned start about 14:20.' },
    });
  });

  it('backfills a job that ends before the head of the queue can start', () => {
    const state = snapshot(local(10), {
      running: [running(job(9, { demand: { cores: 50, memGb: 100 } }), local(10), { etaP90S: 2 * 3600 })],
      queued: [
        job(1, { demand: { cores: 65, memGb: 40 }, submittedAt: 1 }),
        job(2, { submittedAt: 2, etaP90S: 3600 }),
        job(3, { submittedAt: 3, etaP90S: 3 * 3600 }),
      ],
    });
    const decisions = policy.decide(state);
    expect(decisionFor(decisions, 1)).toMatchObject({ kind: 'wait', plannedStart: local(12) });
    expect(decisionFor(decisions, 2)).toMatchObject({
      kind: 'start',
      reason: { code: 'backfilled', message: "Started ahead of job 1: it should end by about 11:00, before that job's planned start at 12:00." },
    });
    expect(decisionFor(decisions, 3)).toMatchObject({ kind: 'wait', plannedStart: local(13) });
  });

  it('waits for a requested start time', () => {
    expect(decide(snapshot(local(10), { queued: [job(1, { notBefore: local(19) })] }), 1)).toMatchObject({
      kind: 'wait',
      plannedStart: local(19),
      reason: { code: 'not_before' },
    });
  });

  it('says when a job can never fit its pool', () => {
    expect(decide(snapshot(local(10), { queued: [job(1, { demand: { cores: 95, memGb: 10 } })] }), 1)).toMatchObject({
      kind: 'wait',
      plannedStart: null,
      reason: { code: 'exceeds_capacity' },
    });
  });

  it('gives the same decisions for the same snapshot in any queue order', () => {
    const queued = Array.from({ length: 30 }, (_, i) =>
      job(i + 1, { owner: `u${i % 4}`, submittedAt: i, demand: { cores: 5 + (i % 7) * 3, memGb: 20 }, etaP90S: 600 + i * 300 }),
    );
    const first = policy.decide(snapshot(local(10), { queued }));
    const again = policy.decide(snapshot(local(10), { queued: [...queued].reverse() }));
    expect(again).toEqual(first);
  });
});

describe('dofcPolicy reservations', () => {
  const reservation = { id: 'r1', start: local(19), end: local(23), capacity: { cores: 60, memGb: 240 }, team: 'quant' };

  it('keeps others out of a reserved window', () => {
    const state = snapshot(local(16), { reservations: [reservation], queued: [job(1, { demand: { cores: 40, memGb: 40 }, etaP90S: 5 * 3600 })] });
    expect(decide(state, 1)).toMatchObject({
      kind: 'wait',
      plannedStart: local(23),
      reason: { code: 'reserved', message: 'Capacity 19:00–23:00 is reserved for team quant; planned start about 23:00.' },
    });
  });

  it('lets others in when their p90 ends before the window', () => {
    const state = snapshot(local(16), { reservations: [reservation], queued: [job(1, { demand: { cores: 40, memGb: 40 }, etaP90S: 2 * 3600 })] });
    expect(decide(state, 1)).toMatchObject({ kind: 'start' });
  });

  it('starts a member job in the reservation', () => {
    const member = job(1, { team: 'quant', demand: { cores: 50, memGb: 50 }, etaP90S: 3 * 3600 });
    const state = snapshot(local(19, 30), {
      reservations: [reservation],
      running: [running(job(9, { demand: { cores: 40, memGb: 40 } }), local(19), { etaP90S: 6 * 3600 })],
      queued: [member],
    });
    expect(decide(state, 1)).toMatchObject({ kind: 'start', reservationId: 'r1', reason: { code: 'reservation' } });
  });
});

describe('dofcPolicy critical lane', () => {
  const laned = dofcPolicy({ timeZone: STOCKHOLM, critical: { enabled: true } });
  const full = {
    running: [
      running(job(8, { demand: { cores: 65, memGb: 100 } }), local(9)),
      running(interactive(9, { demand: { cores: 30, memGb: 100 } }), local(9)),
    ],
  };

  it('starts an approved P0 job on the lane and marks it for audit', () => {
    const urgent = job(1, { priority: 'P0', criticalApproved: true, demand: { cores: 4, memGb: 8 }, etaP90S: 1800 });
    expect(decisionFor(laned.decide(snapshot(local(10), { ...full, queued: [urgent] })), 1)).toMatchObject({
      kind: 'start',
      lane: 'critical',
      audit: true,
      reason: { code: 'critical_lane' },
    });
  });

  it.each([
    ['without approval', { priority: 'P0' as const, criticalApproved: false, etaP90S: 1800 }],
    ['below P0', { priority: 'P1' as const, criticalApproved: true, etaP90S: 1800 }],
    ['past the lane runtime', { priority: 'P0' as const, criticalApproved: true, etaP90S: 7200 }],
  ])('keeps a job off the lane %s', (_name, overrides) => {
    const candidate = job(1, { demand: { cores: 4, memGb: 8 }, ...overrides });
    expect(decisionFor(laned.decide(snapshot(local(10), { ...full, queued: [candidate] })), 1)).toMatchObject({ kind: 'wait' });
  });
});

import { describe, expect, it } from 'vitest';
import { dofcPolicy } from '../../src/policy/dofc.js';
import type { Decision, InteractiveObservation, PausedPolicyJob, PolicySnapshot, RunningPolicyJob } from '../../src/policy/types.js';
import { interactive, job, running, snapshot, STOCKHOLM, utc } from './fixtures.js';

const local = (hour: number, minute = 0): number => utc(2025, 3, 31, hour - 2, minute);
const now = local(11);
const policy = dofcPolicy({ timeZone: STOCKHOLM, heavy: { maxRunningPerUser: 10 } });

/** Interactive wait samples of `seconds` over the last `spanS` seconds. */
function breach(spanS: number, seconds = 8): InteractiveObservation[] {
  return [
    { at: now - (spanS + 30) * 1000, interactiveWaitP95S: 1 },
    { at: now - spanS * 1000, interactiveWaitP95S: seconds },
    { at: now - 30_000, interactiveWaitP95S: seconds },
    { at: now, interactiveWaitP95S: seconds },
  ];
}

const minutesAgo = (minutes: number): number => now - minutes * 60_000;

/** Builds a machine full of heavy and interactive jobs, with one more interactive job waiting. */
function fullMachine(extra: Partial<PolicySnapshot> = {}): PolicySnapshot {
  const heavy: RunningPolicyJob[] = [
    running(job(1, { priority: 'P1', demand: { cores: 20, memGb: 40 } }), minutesAgo(120), { etaP90S: 86_400 }),
    running(job(2, { demand: { cores: 15, memGb: 40 } }), minutesAgo(60), { etaP90S: 86_400 }),
    running(job(3, { demand: { cores: 15, memGb: 40 } }), minutesAgo(20), { etaP90S: 86_400 }),
    running(job(4, { demand: { cores: 10, memGb: 40 } }), minutesAgo(5), { etaP90S: 86_400 }),
    running(job(5, { demand: { cores: 10, memGb: 40 }, doNotPreempt: true }), minutesAgo(15), { etaP90S: 86_400 }),
  ];
  return snapshot(now, {
    running: [...heavy, running(interactive(6, { demand: { cores: 30, memGb: 40 } }), minutesAgo(1), { etaP90S: 2400 })],
    queued: [interactive(7, { demand: { cores: 8, memGb: 8 }, submittedAt: minutesAgo(3) })],
    ...extra,
  });
}

const pauses = (decisions: Decision[]): number[] => decisions.filter((d) => d.kind === 'pause').map((d) => d.jobId);

describe('interactive preemption', () => {
  it('pauses the most recently started lowest-priority heavy job after a sustained breach', () => {
    const decisions = policy.decide(fullMachine({ observations: breach(130) }));
    expect(pauses(decisions)).toEqual([3]);
    expect(decisions.find((d) => d.kind === 'pause')?.reason.code).toBe('preempted_interactive');
  });

  it('waits until the breach has lasted the whole window', () => {
    expect(pauses(policy.decide(fullMachine({ observations: breach(90) })))).toEqual([]);
  });

  it('does nothing when the latest sample is below the threshold', () => {
    const observations = [...breach(300), { at: now, interactiveWaitP95S: 2 }];
    expect(pauses(policy.decide(fullMachine({ observations: observations.filter((o, i) => i !== 3) })))).toEqual([]);
  });

  it('reads the cell latency signal too', () => {
    const observations = [
      { at: now - 200_000, cellLatencyP95S: 6 },
      { at: now, cellLatencyP95S: 7 },
    ];
    expect(pauses(policy.decide(fullMachine({ observations })))).toEqual([3]);
  });

  it('pauses one job per window for a latency breach with nothing waiting', () => {
    const latency = [
      { at: now - 200_000, cellLatencyP95S: 6 },
      { at: now, cellLatencyP95S: 7 },
    ];
    const wide = dofcPolicy({ timeZone: STOCKHOLM, heavy: { maxRunningPerUser: 10 }, preemption: { maxPerRound: 3 } });
    const idle = fullMachine({ observations: latency, queued: [] });
    expect(pauses(wide.decide(idle))).toEqual([3]);

    const justPaused = { ...idle, running: idle.running.map((r) => (r.id === 1 ? { ...r, lastPausedAt: now - 60_000 } : r)) };
    expect(pauses(wide.decide(justPaused))).toEqual([]);
  });

  it('pauses nothing when the waiting interactive jobs already fit', () => {
    const state = fullMachine({ observations: breach(130) });
    state.running = state.running.filter((r) => r.id !== 6);
    expect(pauses(policy.decide(state))).toEqual([]);
  });

  it('skips jobs that used up their pauses', () => {
    const state = fullMachine({ observations: breach(130) });
    state.running = state.running.map((r) => (r.id === 3 ? { ...r, preemptions: 2 } : r));
    expect(pauses(policy.decide(state))).toEqual([2]);
  });

  it('pauses more jobs when the waiting demand needs them and the round allows', () => {
    const wide = dofcPolicy({ timeZone: STOCKHOLM, heavy: { maxRunningPerUser: 10 }, preemption: { maxPerRound: 3 } });
    const state = fullMachine({
      observations: breach(130),
      queued: [interactive(7, { demand: { cores: 25, memGb: 8 }, submittedAt: minutesAgo(3) })],
    });
    expect(pauses(wide.decide(state))).toEqual([3, 2]);
  });

  it('keeps a paused job paused during a breach and resumes it after', () => {
    const paused: PausedPolicyJob = { ...job(3, { demand: { cores: 15, memGb: 40 }, preemptions: 1 }), startedAt: minutesAgo(60), pausedAt: minutesAgo(2) };
    const base = fullMachine();
    const others = base.running.filter((r) => r.id !== 3 && r.id !== 6);

    const during = policy.decide({ ...base, running: others, queued: [], paused: [paused], observations: breach(130) });
    expect(during.find((d) => d.jobId === 3)).toMatchObject({ kind: 'wait', reason: { code: 'paused_breach' } });

    const after = policy.decide({ ...base, running: others, queued: [], paused: [paused], observations: [{ at: now, interactiveWaitP95S: 1 }] });
    expect(after.find((d) => d.jobId === 3)).toMatchObject({ kind: 'resume', reason: { code: 'resumed' } });
  });

  // Two heavy jobs under a signal that flips every round: pauses stay bounded, so no loop.
  it('bounds pauses under an alternating signal', () => {
    const maxPerJob = 2;
    const looped = dofcPolicy({ timeZone: STOCKHOLM, heavy: { maxRunningPerUser: 10 }, preemption: { maxPerJob, minRunS: 0 } });
    let runningJobs: RunningPolicyJob[] = [
      running(job(1, { demand: { cores: 40, memGb: 40 } }), local(9), { etaP90S: 86_400 }),
      running(job(2, { demand: { cores: 30, memGb: 40 } }), local(9), { etaP90S: 86_400 }),
    ];
    let paused: PausedPolicyJob[] = [];
    let pauseCount = 0;
    for (let round = 0; round < 60; round += 1) {
      const at = local(11) + round * 180_000;
      const breaching = round % 2 === 0;
      const observations = [
        { at: at - 200_000, interactiveWaitP95S: breaching ? 9 : 0 },
        { at, interactiveWaitP95S: breaching ? 9 : 0 },
      ];
      const queued = [interactive(100 + round, { demand: { cores: 35, memGb: 8 }, submittedAt: at - 150_000 })];
      const decisions = looped.decide(snapshot(at, { running: runningJobs, paused, queued, observations }));

      for (const decision of decisions) {
        if (decision.kind === 'pause') {
          const victim = runningJobs.find((r) => r.id === decision.jobId);
          expect(victim?.pool).toBe('heavy');
          expect(breaching).toBe(true);
          if (victim === undefined) continue;
          pauseCount += 1;
          runningJobs = runningJobs.filter((r) => r.id !== victim.id);
          paused.push({ ...victim, pausedAt: at, lastPausedAt: at, preemptions: (victim.preemptions ?? 0) + 1 });
        }
        if (decision.kind === 'resume') {
          expect(breaching).toBe(false);
          const back = paused.find((p) => p.id === decision.jobId);
          if (back === undefined) continue;
          paused = paused.filter((p) => p.id !== back.id);
          runningJobs.push({ ...back, resumedAt: at });
        }
      }
    }
    expect(pauseCount).toBeGreaterThan(0);
    expect(pauseCount).toBeLessThanOrEqual(2 * maxPerJob);
  });
});

describe('capacity reclaim', () => {
  it('pauses an overrunning heavy job that holds the floor when business hours begin', () => {
    const state = snapshot(local(9), {
      running: [
        running(job(1, { demand: { cores: 20, memGb: 40 } }), local(2), { etaP90S: 5 * 3600 }),
        running(job(2, { demand: { cores: 60, memGb: 40 } }), local(8, 30), { etaP90S: 4 * 3600 }),
      ],
    });
    const decisions = policy.decide(state);
    expect(decisions.filter((d) => d.kind === 'pause')).toMatchObject([{ jobId: 1, reason: { code: 'floor_reclaim' } }]);
  });

  it('pauses an overrunning job that holds a reservation its members wait for', () => {
    const reservation = { id: 'r1', start: local(19), end: local(23), capacity: { cores: 60, memGb: 240 }, team: 'quant' };
    const state = snapshot(local(19, 5), {
      reservations: [reservation],
      running: [running(job(1, { demand: { cores: 50, memGb: 40 } }), local(16), { etaP90S: 2 * 3600 + 50 * 60 })],
      queued: [job(2, { team: 'quant', demand: { cores: 50, memGb: 40 } })],
    });
    const decisions = policy.decide(state);
    expect(decisions.filter((d) => d.kind === 'pause')).toMatchObject([
      { jobId: 1, reason: { code: 'reservation_reclaim', message: expect.stringContaining('reserved for team quant') } },
    ]);
  });
});

import type { PoolName } from '../contract/job-spec.js';
import type { BusinessCalendar } from '../policy/calendar.js';
import type { DofcPolicyConfig } from '../policy/config.js';
import { accrueUsage, decayUsage } from '../policy/fair-share.js';
import { MinHeap } from '../policy/min-heap.js';
import { heavyLimit } from '../policy/pools.js';
import type {
  Decision,
  InteractiveObservation,
  PausedPolicyJob,
  Policy,
  PolicyJob,
  PolicySnapshot,
  Resources,
  RunningPolicyJob,
  UsageRecord,
} from '../policy/types.js';
import type { TraceJob } from './mapping.js';

/**
 * Event-driven replay in virtual time. The clock jumps from event to event: an arrival, a job's
 * end, a calendar change, a planned start or a check of the interactive signal. At each event
 * the simulator builds a snapshot and calls the same `Policy.decide` the live scheduler calls.
 * Jobs run for their trace runtime; a paused job keeps what it has done and later runs the rest.
 */

export interface SignalOptions {
  /** Threshold and window of the interactive-wait signal, as the policy reads them. */
  thresholdS: number;
  windowS: number;
  /** Half-life of the fair-share usage the simulator keeps for the policy. */
  halfLifeS: number;
}

export interface SimulationOptions {
  policy: Policy;
  capacity: Resources;
  /** The business calendar on the trace's clock, for floor accounting in every policy. */
  calendar: BusinessCalendar;
  floorConfig: Pick<DofcPolicyConfig, 'floor' | 'critical'>;
  /** Feeds the interactive signal and usage to the policy; null for policies that ignore them. */
  signal: SignalOptions | null;
}

export interface JobOutcome {
  id: number;
  owner: string;
  pool: PoolName;
  submittedAt: number;
  firstStart: number | null;
  end: number | null;
  traceRunS: number;
  /** Planned start from the job's first decision; null when that decision gave none. */
  promisedStart: number | null;
  promised: boolean;
  coreSeconds: number;
}

export interface SimulationResult {
  outcomes: JobOutcome[];
  preemptions: number;
  floorViolations: number;
  floorViolationS: number;
  decisions: number;
}

interface RunningEntry {
  job: RunningPolicyJob;
  endAt: number;
  version: number;
}

interface PausedEntry {
  job: PausedPolicyJob;
  remainingMs: number;
}

export function simulate(traceJobs: TraceJob[], options: SimulationOptions): SimulationResult {
  return new Simulation(traceJobs, options).run();
}

class Simulation {
  private readonly queued = new Map<number, PolicyJob>();
  private readonly running = new Map<number, RunningEntry>();
  private readonly paused = new Map<number, PausedEntry>();
  private readonly outcomes = new Map<number, JobOutcome>();
  private readonly runtimes = new Map<number, number>();
  private readonly completions = new MinHeap<{ at: number; id: number; version: number }>(
    (a, b) => a.at - b.at || a.id - b.id,
  );
  /**
   * Next planned start and next signal check. Each decision replaces both, because it recomputes
   * every plan. A heap of all past wake-ups would keep firing stale ones, and those could chain
   * into a wake-up every few milliseconds.
   */
  private plannedWake = Infinity;
  private signalWake = Infinity;
  private readonly usage = new Map<string, UsageRecord>();
  private samples: InteractiveObservation[] = [];
  private heavyHeld: Resources = { cores: 0, memGb: 0 };
  private version = 0;
  private preemptions = 0;
  private decisions = 0;
  private floorViolations = 0;
  private floorViolationMs = 0;
  private violating = false;

  constructor(
    private readonly jobs: TraceJob[],
    private readonly options: SimulationOptions,
  ) {
    for (const { job, runS, traceRunS } of jobs) {
      this.runtimes.set(job.id, runS * 1000);
      this.outcomes.set(job.id, {
        id: job.id,
        owner: job.owner,
        pool: job.pool,
        submittedAt: job.submittedAt,
        firstStart: null,
        end: null,
        traceRunS,
        promisedStart: null,
        promised: false,
        coreSeconds: job.demand.cores * runS,
      });
    }
  }

  run(): SimulationResult {
    let next = 0;
    let previous = this.jobs[0]?.job.submittedAt ?? 0;
    let nextTransition = this.nextCalendarChange(previous);

    for (;;) {
      const arrival = this.jobs[next]?.job.submittedAt ?? Infinity;
      // Calendar changes matter only while jobs run, for floor accounting and reclaim. A job that
      // waits for a floor change has a planned start, which wakes the replay anyway.
      const transition = this.running.size > 0 ? nextTransition : Infinity;
      const now = Math.min(arrival, this.nextCompletion(), this.nextWake(), transition);
      if (now === Infinity) break;

      if (this.violating) this.floorViolationMs += now - previous;
      this.accrue(previous, now);
      this.finishUntil(now);
      while (next < this.jobs.length && (this.jobs[next]?.job.submittedAt ?? Infinity) <= now) {
        const job = (this.jobs[next] as TraceJob).job;
        this.queued.set(job.id, job);
        next += 1;
      }
      if (this.plannedWake <= now) this.plannedWake = Infinity;
      if (this.signalWake <= now) this.signalWake = Infinity;
      if (now >= nextTransition) nextTransition = this.nextCalendarChange(now);

      this.decideAt(now);
      this.updateFloorState(now);
      previous = now;
    }

    return {
      outcomes: [...this.outcomes.values()],
      preemptions: this.preemptions,
      floorViolations: this.floorViolations,
      floorViolationS: this.floorViolationMs / 1000,
      decisions: this.decisions,
    };
  }

  private nextCompletion(): number {
    for (;;) {
      const top = this.completions.pop();
      if (top === undefined) return Infinity;
      const entry = this.running.get(top.id);
      if (entry !== undefined && entry.version === top.version) {
        this.completions.push(top);
        return top.at;
      }
    }
  }

  private nextWake(): number {
    return Math.min(this.plannedWake, this.signalWake);
  }

  private nextCalendarChange(after: number): number {
    return this.options.calendar.transitionsBetween(after, after + 8 * 86_400_000)[0]?.at ?? after + 8 * 86_400_000;
  }

  private finishUntil(now: number): void {
    while (this.nextCompletion() <= now) {
      const top = this.completions.pop();
      if (top === undefined) break;
      const entry = this.running.get(top.id) as RunningEntry;
      this.running.delete(top.id);
      this.release(entry.job);
      const outcome = this.outcomes.get(top.id);
      if (outcome !== undefined) outcome.end = top.at;
    }
  }

  /** Calls the policy until a round decides no pause; pauses free capacity that the next round can use. */
  private decideAt(now: number): void {
    if (this.queued.size === 0 && this.paused.size === 0 && this.running.size === 0) return;
    for (let round = 0; round < 3; round += 1) {
      const snapshot = this.snapshot(now);
      const decisions = this.options.policy.decide(snapshot);
      this.decisions += 1;
      const pausedAny = this.apply(decisions, now);
      if (!pausedAny) break;
    }
    this.scheduleSignalCheck(now);
  }

  private snapshot(now: number): PolicySnapshot {
    const snapshot: PolicySnapshot = {
      now,
      capacity: this.options.capacity,
      running: [...this.running.values()].map((entry) => entry.job),
      queued: [...this.queued.values()],
    };
    if (this.options.signal === null) return snapshot;

    this.recordSample(now);
    snapshot.paused = [...this.paused.values()].map((entry) => entry.job);
    snapshot.observations = this.samples;
    snapshot.usage = [...this.usage.values()];
    return snapshot;
  }

  private apply(decisions: Decision[], now: number): boolean {
    let pausedAny = false;
    let nextPlanned = Infinity;
    for (const decision of decisions) {
      if (decision.kind === 'start') this.start(decision.jobId, now, decision.lane, decision.reservationId);
      else if (decision.kind === 'resume') this.resume(decision.jobId, now);
      else if (decision.kind === 'pause') pausedAny = this.pause(decision.jobId, now) || pausedAny;
      else {
        this.promise(decision.jobId, decision.plannedStart, now);
        // A fluid estimate moves with the clock, so only exact plan slots wake the replay.
        const exact = decision.reason.code !== 'estimated_start';
        if (exact && decision.plannedStart !== null && decision.plannedStart > now) nextPlanned = Math.min(nextPlanned, decision.plannedStart);
      }
    }
    this.plannedWake = nextPlanned;
    return pausedAny;
  }

  private start(id: number, now: number, lane?: 'critical', reservationId?: string): void {
    const job = this.queued.get(id);
    if (job === undefined) return;
    this.queued.delete(id);
    const runtime = this.runtimes.get(id) ?? 0;
    this.launch({ ...job, startedAt: now, lane: lane ?? null, reservationId: reservationId ?? null }, now + runtime);
    const outcome = this.outcomes.get(id);
    if (outcome !== undefined) {
      outcome.firstStart ??= now;
      this.promise(id, now, now);
    }
  }

  private resume(id: number, now: number): void {
    const entry = this.paused.get(id);
    if (entry === undefined) return;
    this.paused.delete(id);
    const { pausedAt: _pausedAt, ...job } = entry.job;
    this.launch({ ...job, resumedAt: now }, now + entry.remainingMs);
  }

  private pause(id: number, now: number): boolean {
    const entry = this.running.get(id);
    if (entry === undefined) return false;
    this.running.delete(id);
    this.release(entry.job);
    const runStart = entry.job.resumedAt ?? entry.job.startedAt;
    const job: PausedPolicyJob = {
      ...entry.job,
      pausedAt: now,
      lastPausedAt: now,
      preemptions: (entry.job.preemptions ?? 0) + 1,
      ranS: (entry.job.ranS ?? 0) + (now - runStart) / 1000,
    };
    this.paused.set(id, { job, remainingMs: entry.endAt - now });
    this.preemptions += 1;
    return true;
  }

  private launch(job: RunningPolicyJob, endAt: number): void {
    this.version += 1;
    this.running.set(job.id, { job, endAt, version: this.version });
    this.completions.push({ at: endAt, id: job.id, version: this.version });
    if (job.pool === 'heavy' && job.lane !== 'critical') {
      this.heavyHeld = { cores: this.heavyHeld.cores + job.demand.cores, memGb: this.heavyHeld.memGb + job.demand.memGb };
    }
  }

  private release(job: RunningPolicyJob): void {
    if (job.pool === 'heavy' && job.lane !== 'critical') {
      this.heavyHeld = { cores: this.heavyHeld.cores - job.demand.cores, memGb: this.heavyHeld.memGb - job.demand.memGb };
    }
  }

  /** Keeps the planned start of the job's first decision: the promise made when it was queued. */
  private promise(id: number, plannedStart: number | null, now: number): void {
    const outcome = this.outcomes.get(id);
    const startedEarlier = outcome !== undefined && outcome.firstStart !== null && outcome.firstStart !== now;
    if (outcome === undefined || outcome.promised || startedEarlier) return;
    outcome.promised = true;
    outcome.promisedStart = plannedStart;
  }

  /** Counts entries into a state where Heavy uses part of the interactive floor. */
  private updateFloorState(now: number): void {
    const business = this.options.calendar.isBusinessTime(now);
    const limit = heavyLimit(this.options.capacity, business, this.options.floorConfig);
    const violating = this.heavyHeld.cores > limit.cores + 1e-9 || this.heavyHeld.memGb > limit.memGb + 1e-9;
    if (violating && !this.violating) this.floorViolations += 1;
    this.violating = violating;
  }

  /** Records the interactive signal: p95 of how long the waiting interactive jobs have waited. */
  private recordSample(now: number): void {
    const signal = this.options.signal;
    if (signal === null) return;
    const waitP95S = this.interactiveWaitP95S(now);
    const sample = { at: now, interactiveWaitP95S: waitP95S };
    // The policy reads the start of the current breach and the latest sample, so the first and
    // last samples of a run of breaching ones and the sample before the run are enough.
    if (waitP95S <= signal.thresholdS) this.samples = [sample];
    else if (this.samples.length >= 3 || this.samples.at(-1)?.at === now) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
  }

  private interactiveWaitP95S(now: number): number {
    const waits: number[] = [];
    for (const job of this.queued.values()) if (job.pool === 'interactive') waits.push((now - job.submittedAt) / 1000);
    if (waits.length === 0) return 0;
    waits.sort((a, b) => a - b);
    return waits[Math.min(waits.length - 1, Math.ceil(0.95 * waits.length) - 1)] ?? 0;
  }

  /**
   * Wakes the replay when the signal will cross its threshold, and a window later while it is
   * above, so a sustained breach is seen without checking every second.
   */
  private scheduleSignalCheck(now: number): void {
    const signal = this.options.signal;
    this.signalWake = Infinity;
    if (signal === null) return;

    const waitP95S = this.interactiveWaitP95S(now);
    const breaching = waitP95S > signal.thresholdS;
    // While the signal breaches, paused jobs have no planned start, so a decision is due once
    // the signal had time to clear.
    if (this.paused.size > 0 && breaching) this.signalWake = now + signal.windowS * 1000;
    if (!breaching) {
      if ([...this.queued.values()].some((job) => job.pool === 'interactive')) {
        this.signalWake = now + Math.ceil((signal.thresholdS - waitP95S) * 1000) + 1;
      }
      return;
    }
    const since = this.samples.find((sample) => (sample.interactiveWaitP95S ?? 0) > signal.thresholdS)?.at ?? now;
    const sustainedAt = since + signal.windowS * 1000 + 1;
    this.signalWake = sustainedAt > now ? sustainedAt : now + signal.windowS * 1000;
  }

  /** Adds what each user held over [from, to) to its decayed usage. */
  private accrue(from: number, to: number): void {
    const signal = this.options.signal;
    if (signal === null || to <= from) return;
    const held = new Map<string, Resources>();
    for (const { job } of this.running.values()) {
      const total = held.get(job.owner) ?? { cores: 0, memGb: 0 };
      held.set(job.owner, { cores: total.cores + job.demand.cores, memGb: total.memGb + job.demand.memGb });
    }
    for (const [owner, allocation] of held) {
      let record = this.usage.get(owner) ?? { owner, coreSeconds: 0, memGbSeconds: 0, asOf: from };
      // The user held nothing between its last record and `from`, so that span only decays.
      if (record.asOf < from) record = decayUsage(record, from, signal.halfLifeS);
      this.usage.set(owner, accrueUsage(record, allocation, to, signal.halfLifeS));
    }
  }
}

import type { Knex } from 'knex';
import type { Progress } from '../contract/job-view.js';
import type { AttemptHandle, Executor, FailureClass } from '../executors/executor.js';
import { ConflictError } from '../jobs/errors.js';
import {
  beginPreflight,
  claimForStart,
  enqueue,
  markCancelled,
  markFailed,
  markPaused,
  markRetrying,
  markRunning,
  markSucceeded,
  resumeFromPause,
  retryNow,
  type AttemptEnd,
} from '../jobs/lifecycle.js';
import { recordEvent } from '../jobs/transitions.js';
import { diagnoseAttempt, diagnoseFailure, readTail } from '../observe/error-catalogue/index.js';
import type { ServiceMetrics } from '../observe/metrics.js';
import type { Logger } from '../logger.js';
import { executorCeilingFor } from '../policy/caps.js';
import type { Decision, Resources } from '../policy/types.js';
import type { DofcPolicy } from '../policy/dofc.js';
import { InspectorError } from '../preflight/inspector-report.js';
import type { PreflightAnalyzer } from '../preflight/preflight.js';
import { recordLiveEta } from '../preflight/live-eta.js';
import { afterSampleRuns } from '../preflight/sample-capacity.js';
import { recordFinishedRun } from '../preflight/run-history.js';
import type { AttemptRow, JobRow } from '../store/job-rows.js';
import { judgeAttemptEnd, type EndVerdict } from './attempt-end.js';
import { DEFAULT_CELL_LATENCY, loadCellLatencyObservations, type CellLatencySettings } from './cell-latency.js';
import { CheckpointTimeline } from './checkpoint-timeline.js';
import { forEachConcurrently } from './concurrency.js';
import { fireRecurringTicks } from './recurring-ticks.js';
import type { PolicySource } from './policy-source.js';
import { recoverAttempts } from './recovery.js';
import { DEFAULT_PAUSE_GRACE_MS, PoliteStop } from './pause.js';
import { loadSnapshot } from './snapshot.js';
import type { CapacitySource } from './capacity-source.js';

export interface SchedulerOptions {
  db: Knex;
  executor: Executor;
  policy: PolicySource;
  analyzer: PreflightAnalyzer;
  metrics: ServiceMetrics;
  capacity: Resources;
  /** Capacity read from the cluster for each decision (Spark); without it the policy plans with `capacity`. */
  capacitySource?: CapacitySource;
  logger: Logger;
  /** Milliseconds a stopped runner gets between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Milliseconds a runner asked to pause gets to reach a cell or checkpoint boundary; 120 s by default. */
  pauseGraceMs?: number;
  /** Settings of the interactive signal computed from Light notebooks' cell latency. */
  cellLatency?: CellLatencySettings;
  /** Returns a number in [0, 1) for retry jitter; injected so that tests get fixed delays. */
  random?: () => number;
  now?: () => Date;
}

/** Bytes of an attempt's log searched for out-of-memory evidence when it ends. */
const LOG_TAIL_BYTES = 16 * 1024;


type ActiveAttempt = { job: JobRow; attempt: AttemptRow };

/** Maximum pause, in milliseconds, before a cycle requested by a wake during the previous cycle. */
const MAX_REST_MS = 1_000;

/** Pre-flight analyses run at once in one cycle. */
const PREFLIGHT_CONCURRENCY = 4;

/** Milliseconds of a cycle after which no further pre-flight analysis starts. */
const PREFLIGHT_BUDGET_MS = 2_000;

/**
 * The loop around the policy core. Each cycle runs six phases: due ticks of recurring
 * schedules, pre-flight of new jobs, due retries, watching running attempts (progress, stop
 * requests, ends), then a policy decision whose starts, waits, pauses and resumes are applied.
 * A pause is polite: the runner is asked to stop at its next cell or checkpoint boundary and is
 * terminated only when the pause grace period runs out (see pause.ts).
 */
export class Scheduler {
  private readonly db: Knex;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly cellLatency: CellLatencySettings;
  private readonly politeStop: PoliteStop;
  private readonly checkpoints = new CheckpointTimeline();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  /** The pause before a folded cycle (see wake). */
  private restTimer: NodeJS.Timeout | null = null;
  private again = false;
  private cycle = 0;
  /** Attempts this process has sent a stop signal to (see requestStopIfDue). */
  private readonly stopsSignalled = new Set<string>();
  /** True until start() and after stop(): a follower replica must not cycle when the API wakes it. */
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {
    this.db = options.db;
    this.log = options.logger;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.cellLatency = options.cellLatency ?? DEFAULT_CELL_LATENCY;
    this.politeStop = new PoliteStop({
      db: options.db,
      executor: options.executor,
      logger: options.logger,
      pauseGraceMs: options.pauseGraceMs ?? DEFAULT_PAUSE_GRACE_MS,
      killGraceMs: options.killGraceMs,
    });
  }

  /** Rebuild state from the store, then run a cycle every `tickMs` and whenever woken. */
  async start(tickMs: number): Promise<void> {
    await recoverAttempts(this.db, this.options.executor, this.log, this.now());
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), tickMs);
    this.wake();
  }

  /**
   * Run a cycle soon; calls during a cycle fold into one more cycle after it. That next cycle
   * waits as long as the last one took, so a stream of submissions, each of which wakes the
   * scheduler, leaves at least half of the event loop to the API.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.inFlight !== null || this.restTimer !== null) {
      this.again = true;
      return;
    }
    const started = performance.now();
    this.inFlight = this.runCycle()
      .catch((error: unknown) =>
        this.log.error(
          { err: error, cycle: this.cycle },
          'scheduling cycle failed; retrying next tick',
        ),
      )
      .finally(() => {
        this.inFlight = null;
        if (!this.again) return;
        this.again = false;
        const restMs = Math.min(MAX_REST_MS, performance.now() - started);
        this.restTimer = setTimeout(() => {
          this.restTimer = null;
          this.wake();
        }, restMs);
      });
  }

  /** Stop cycling and wait for the current cycle. Runners keep running and are found again on restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.restTimer !== null) clearTimeout(this.restTimer);
    this.restTimer = null;
    await this.inFlight;
  }

  /** Run one full cycle. Public so that tests can step the scheduler by hand. */
  async runCycle(): Promise<void> {
    this.cycle += 1;
    const started = performance.now();
    const log = this.log.child({ cycle: this.cycle });

    const recurring = await fireRecurringTicks(this.db, this.options.capacity, this.now(), this.log);
    const preflighted = await this.preflightNewJobs();
    const retried = await this.requeueDueRetries();
    const watched = await this.watchActiveAttempts();
    const { starts, waits } = await this.decideAndApply();
    this.options.metrics.observeCycle((performance.now() - started) / 1000);

    log.debug(
      {
        recurring,
        preflighted,
        retried,
        watched,
        starts,
        waits,
        durationMs: Math.round(performance.now() - started),
      },
      'cycle done',
    );
  }

  private async preflightNewJobs(): Promise<number> {
    const rows = await this.db<JobRow>('jobs')
      .whereIn('state', ['submitted', 'preflight'])
      .orderBy('id');
    // Each analysis runs the code inspector as a process, so a burst of submissions is analysed a few at a time.
    // No analysis starts after the budget, so a backlog of hundreds of new jobs cannot hold up
    // the watch and start phases for minutes. The rest wait for the next cycle.
    const deadline = performance.now() + PREFLIGHT_BUDGET_MS;
    let analysed = 0;
    await forEachConcurrently(rows, PREFLIGHT_CONCURRENCY, async (row) => {
      if (performance.now() > deadline) return;
      analysed += 1;
      await this.preflightOne(row);
    });
    return analysed;
  }

  private async preflightOne(row: JobRow): Promise<void> {
    const log = this.log.child({ jobId: row.id, pool: row.pool });
    try {
      const startedAt = this.now();
      const result = await this.options.analyzer.analyze(row);
      if (result === null) {
        // Sample runs are still going, so the job waits in pre-flight until a later cycle collects them.
        if (row.state === 'submitted') await this.db.transaction((trx) => beginPreflight(trx, row.id, startedAt));
        return;
      }
      // The move to pre-flight is stored with the result, in one transaction, because under a
      // burst of submissions every round trip to the database counts. A crash before it leaves the
      // job submitted, and the next cycle analyses it again.
      await this.db.transaction(async (trx) => {
        if (row.state === 'submitted') await beginPreflight(trx, row.id, startedAt);
        await this.options.analyzer.record?.(trx, row, result, this.now());
        return enqueue(
          trx,
          row.id,
          this.now(),
          { code: 'queued', message: result.summary },
          {
            eta_p50_s: result.etaP50S,
            eta_p90_s: result.etaP90S,
          },
        );
      });
      log.debug('queued after pre-flight');
    } catch (error) {
      if (error instanceof ConflictError) return;
      // The job stays in pre-flight, and the next cycle (or the next scheduler) analyses it again.
      if (error instanceof InspectorError && error.transient) {
        log.warn({ err: error }, 'pre-flight interrupted; analysing again next cycle');
        return;
      }
      log.error({ err: error }, 'pre-flight failed');
      await this.db.transaction((trx) =>
        markFailed(trx, row.id, {
          attempt: 0,
          at: this.now(),
          progress: null,
          outcome: {
            error: String(error),
            diagnosis: diagnoseFailure({ code: 'preflight_failed', message: String(error) }),
          },
          reason: {
            code: 'preflight_failed',
            message: `Pre-flight analysis failed: ${(error as Error).message}. Check the source, then submit again.`,
          },
        }),
      );
    }
  }

  private async requeueDueRetries(): Promise<number> {
    const due = await this.db<JobRow>('jobs')
      .where({ state: 'retrying' })
      .andWhere('retry_at', '<=', this.now());
    for (const row of due) {
      await this.db.transaction((trx) => retryNow(trx, row.id, this.now())).catch(ignoreConflict);
    }
    return due.length;
  }

  private async watchActiveAttempts(): Promise<number> {
    const active = await loadActiveAttempts(this.db);
    for (const { job, attempt } of active) {
      if (job.state !== 'running') continue;
      const handle: AttemptHandle = {
        jobId: job.id,
        attempt: attempt.attempt,
        attemptDir: attempt.attempt_dir,
        pid: attempt.pid,
      };
      await this.requestStopIfDue(job, attempt, handle);
      await this.politeStop.enforceGrace(job, attempt, this.now());

      const status = await this.options.executor.inspect(handle);
      if (status.kind === 'running') {
        await this.recordProgress(job, status.progress);
        await this.checkpoints.record(this.db, job.id, attempt.attempt, status.checkpoints);
        continue;
      }
      const latest = await this.db<AttemptRow>('job_attempts')
        .where({ job_id: job.id, attempt: attempt.attempt })
        .first();
      await this.finishAttempt(job, latest ?? attempt, status);
    }
    return active.length;
  }

  private async requestStopIfDue(
    job: JobRow,
    attempt: AttemptRow,
    handle: AttemptHandle,
  ): Promise<void> {
    // A cancel overrides a pause in progress; a timeout does not, as the pause stops the runner anyway.
    if (attempt.stop_reason === 'cancel' || attempt.stop_reason === 'timeout') {
      // A scheduler killed between storing the stop and signalling the runner left it running.
      // So each scheduler process signals every stopped attempt it follows once.
      if (!this.stopsSignalled.has(attemptKey(handle))) this.signalStop(handle);
      return;
    }
    const now = this.now();
    let stopReason: 'cancel' | 'timeout' | null = null;
    if (job.cancel_requested_at !== null) stopReason = 'cancel';
    else if (attempt.stop_reason === 'pause') return;
    else if (
      job.started_at !== null &&
      now.getTime() - new Date(job.started_at).getTime() > job.spec.timeout_s * 1000
    ) {
      stopReason = 'timeout';
    }
    if (stopReason === null) return;

    await this.db.transaction(async (trx) => {
      await trx('job_attempts')
        .where({ job_id: job.id, attempt: attempt.attempt })
        .update({ stop_reason: stopReason, stop_requested_at: now });
      await recordEvent(trx, {
        jobId: job.id,
        at: now,
        type: 'stop_requested',
        code: stopReason,
        message:
          stopReason === 'cancel'
            ? 'Stopping the runner on request.'
            : `Stopping the runner: it passed its ${job.spec.timeout_s} s timeout.`,
      });
    });
    attempt.stop_reason = stopReason;
    attempt.stop_requested_at = now;
    this.signalStop(handle);
  }

  private signalStop(handle: AttemptHandle): void {
    this.stopsSignalled.add(attemptKey(handle));
    this.options.executor.terminate(handle, this.options.killGraceMs);
  }

  private async recordProgress(job: JobRow, progress: Progress | null): Promise<void> {
    if (progress === null) return;
    if (
      job.progress !== null &&
      job.progress.done === progress.done &&
      job.progress.total === progress.total
    )
      return;
    const now = this.now();
    await this.db.transaction(async (trx) => {
      await trx('jobs')
        .where({ id: job.id, state: 'running' })
        .update({ progress: JSON.stringify(progress), updated_at: now });
      await recordEvent(trx, {
        jobId: job.id,
        at: now,
        type: 'progress',
        message: `${progress.done} of ${progress.total} ${progress.unit} done.`,
        data: { ...progress },
      });
      await recordLiveEta(trx, job, progress, now);
    });
  }

  private async finishAttempt(
    job: JobRow,
    attempt: AttemptRow,
    status: Parameters<typeof judgeAttemptEnd>[2],
  ): Promise<void> {
    const now = this.now();
    const endedAt = attemptEndTime(status, now);
    const logTail = await readTail(this.options.executor.logPath({ attemptDir: attempt.attempt_dir }), LOG_TAIL_BYTES);
    const verdict = judgeAttemptEnd(job, attempt, status, {
      now,
      random: this.random,
      memCeilingGb: await this.memoryCeilingGb(job),
      logTail,
    });
    const failureClass = failureClassOf(verdict);
    const end: AttemptEnd = {
      attempt: attempt.attempt,
      at: endedAt,
      reason: verdict.reason,
      progress: status.progress,
      outcome: {
        verdict: verdict.kind,
        code: verdict.reason.code,
        ...(failureClass !== undefined ? { failure_class: failureClass } : {}),
        result: status.result,
        exit: status.exit,
        // A pause is not a failure, so there is nothing to diagnose.
        diagnosis:
          verdict.kind === 'paused'
            ? null
            : await diagnoseAttempt({
                attemptDir: attempt.attempt_dir,
                reason: verdict.reason,
                result: status.result,
                exit: status.exit,
                timeoutS: job.spec.timeout_s,
                failureClass: failureClass ?? null,
              }),
      },
      ...(verdict.kind === 'failed' ? { failedCell: verdict.failedCell } : {}),
      ...(failureClass !== undefined ? { failureClass } : {}),
    };

    await this.db
      .transaction(async (trx) => {
        await this.checkpoints.record(trx, job.id, attempt.attempt, status.checkpoints);
        if (verdict.kind === 'succeeded') await markSucceeded(trx, job.id, end);
        else if (verdict.kind === 'cancelled') await markCancelled(trx, job.id, end);
        else if (verdict.kind === 'paused') await markPaused(trx, job.id, end, secondsRun(attempt, endedAt));
        else if (verdict.kind === 'retry') await markRetrying(trx, job.id, end, verdict.retryAt, verdict.memPerExecutorGb);
        else await markFailed(trx, job.id, end);
        // A paused attempt's runtime is only part of the job's, so it would mislead runtime estimates.
        if (verdict.kind !== 'paused') await recordFinishedRun(trx, job, attempt, verdict.kind, endedAt);
      })
      .catch(ignoreConflict);
    this.checkpoints.forget(job.id, attempt.attempt);
    this.politeStop.forget(attempt);
    this.options.metrics.countFinished(job.pool, verdict.kind);
    this.log.info(
      {
        jobId: job.id,
        pool: job.pool,
        attempt: attempt.attempt,
        outcome: verdict.kind,
        code: verdict.reason.code,
        failureClass,
      },
      'attempt ended',
    );
  }

  /** Most memory the job may hold: its owner's or team's executor ceiling, and never more than the machine. */
  private async memoryCeilingGb(job: JobRow): Promise<number> {
    const policy = await this.options.policy.current(this.db);
    const ceiling = 'config' in policy ? executorCeilingFor(job.owner, job.team, (policy as DofcPolicy).config) : null;
    return Math.min(ceiling?.memGb ?? Infinity, this.options.capacity.memGb);
  }

  private async decideAndApply(): Promise<{ starts: number; waits: number }> {
    const policy = await this.options.policy.current(this.db);
    const halfLifeS = 'config' in policy ? (policy as DofcPolicy).config.fairShare.halfLifeS : null;
    const { snapshot, queuedRows } = await loadSnapshot(
      this.db,
      afterSampleRuns(this.options.capacitySource ?? this.options.capacity, this.options.analyzer),
      this.now(),
      halfLifeS,
    );
    // With nothing queued or paused and no heavy job that could be paused, there is nothing to decide.
    const heavyRunning = snapshot.running.some((job) => job.pool === 'heavy');
    if (snapshot.queued.length === 0 && (snapshot.paused ?? []).length === 0 && !heavyRunning) return { starts: 0, waits: 0 };
    // Only the DOFC policy pauses and resumes, and it needs the signal of one window plus as much before it.
    if ('config' in policy) {
      const windowS = (policy as DofcPolicy).config.preemption.windowS;
      snapshot.observations = await loadCellLatencyObservations(this.db, this.now(), 2 * windowS, this.cellLatency);
    }
    const decisions = policy.decide(snapshot);

    let starts = 0;
    let waits = 0;
    for (const decision of decisions) {
      this.options.metrics.countDecision(decision.kind);
      if (decision.kind === 'pause') {
        await this.applyPause(decision);
        continue;
      }
      const row = queuedRows.get(decision.jobId);
      if (row === undefined) continue;
      if (decision.kind === 'start' || decision.kind === 'resume') {
        if (await this.launch(row, decision)) starts += 1;
      } else if (decision.kind === 'wait') {
        await this.recordWait(row, decision);
        waits += 1;
      }
    }
    return { starts, waits };
  }

  private async applyPause(decision: Extract<Decision, { kind: 'pause' }>): Promise<void> {
    const row = await this.db<JobRow>('jobs').where({ id: decision.jobId }).first();
    if (row === undefined) return;
    await this.politeStop.request(row, decision, this.now());
  }

  /** Start a queued job, or resume a paused one, as a new attempt. */
  private async launch(
    row: JobRow,
    decision: Extract<Decision, { kind: 'start' | 'resume' }>,
  ): Promise<boolean> {
    const executor = this.options.executor;
    const log = this.log.child({ jobId: row.id, pool: row.pool, executor: executor.name });

    let attempt: number;
    try {
      attempt = await this.db.transaction(async (trx) => {
        // A resumed attempt finds the job's checkpoint folder and loads the stages saved there.
        const claimable = row.state === 'paused' ? await resumeFromPause(trx, row.id, this.now(), decision.reason) : row;
        const claimed = await claimForStart(
          trx,
          claimable,
          executor.name,
          (n) => executor.attemptDir(row.id, n),
          this.now(),
          decision.reason,
        );
        // Every use of the critical lane is recorded with who approved it.
        if (decision.kind === 'start' && decision.lane === 'critical') {
          await recordEvent(trx, {
            jobId: row.id,
            at: this.now(),
            type: 'critical_lane_used',
            code: 'critical_lane',
            message: decision.reason.message,
            data: { approved_by: row.critical_approved_by, attempt: claimed },
          });
        }
        return claimed;
      });
    } catch (error) {
      // Cancelled or claimed elsewhere since the snapshot was read.
      if (error instanceof ConflictError) return false;
      throw error;
    }

    try {
      const source = await this.db('job_sources').where({ job_id: row.id }).first();
      const handle = await executor.prepare({
        jobId: row.id,
        attempt,
        kind: source.kind,
        sourceText: source.content,
        sourcePath: source.path,
        setupCells: (source.setup_cells as string[] | null) ?? [],
        parameters: row.spec.parameters,
        allocation: {
          pool: row.pool,
          maxExecutors: row.spec.max_executors,
          coresPerExecutor: row.spec.cores_per_executor,
          memPerExecutorGb: row.spec.mem_per_executor_gb,
        },
      });
      const pid = await executor.start(handle);
      await this.db.transaction((trx) => markRunning(trx, row.id, attempt, pid, this.now()));
      this.options.metrics.countAdmission(row.pool);
      log.info({ attempt, pid }, 'job started');
      return true;
    } catch (error) {
      log.error({ err: error, attempt }, 'job could not be started');
      await this.db
        .transaction((trx) =>
          markFailed(trx, row.id, {
            attempt,
            at: this.now(),
            progress: null,
            outcome: {
              error: String(error),
              diagnosis: diagnoseFailure({ code: 'start_failed', message: String(error) }),
            },
            reason: { code: 'start_failed', message: (error as Error).message },
          }),
        )
        .catch(ignoreConflict);
      return false;
    }
  }

  private async recordWait(
    row: JobRow,
    decision: Extract<Decision, { kind: 'wait' }>,
  ): Promise<void> {
    const planned = decision.plannedStart === null ? null : new Date(decision.plannedStart);
    const previousPlanned =
      row.planned_start === null ? null : new Date(row.planned_start).getTime();
    const unchanged =
      row.position === decision.position &&
      previousPlanned === decision.plannedStart &&
      row.reason_code === decision.reason.code &&
      row.reason_message === decision.reason.message;
    if (unchanged) return;

    const now = this.now();
    await this.db.transaction(async (trx) => {
      await trx('jobs').where({ id: row.id }).whereIn('state', ['queued', 'paused']).update({
        position: decision.position,
        planned_start: planned,
        reason_code: decision.reason.code,
        reason_message: decision.reason.message,
        updated_at: now,
      });
      if (previousPlanned !== decision.plannedStart) {
        await recordEvent(trx, {
          jobId: row.id,
          at: now,
          type: 'promise',
          code: decision.reason.code,
          message: decision.reason.message,
          data: { planned_start: planned?.toISOString() ?? null, position: decision.position },
        });
      }
    });
  }
}

async function loadActiveAttempts(db: Knex): Promise<ActiveAttempt[]> {
  const jobs = await db<JobRow>('jobs').whereIn('state', ['starting', 'running']).orderBy('id');
  if (jobs.length === 0) return [];
  const attempts = await db<AttemptRow>('job_attempts').whereIn(
    'job_id',
    jobs.map((job) => job.id),
  );
  const byKey = new Map(attempts.map((row) => [`${row.job_id}:${row.attempt}`, row]));
  return jobs.flatMap((job) => {
    const attempt = byKey.get(`${job.id}:${job.attempt}`);
    return attempt === undefined ? [] : [{ job, attempt }];
  });
}

function attemptKey(handle: AttemptHandle): string {
  return `${handle.jobId}:${handle.attempt}`;
}

function ignoreConflict(error: unknown): void {
  if (error instanceof ConflictError) return;
  throw error;
}

function failureClassOf(verdict: EndVerdict): FailureClass | undefined {
  if (verdict.kind === 'failed' || verdict.kind === 'retry') return verdict.failureClass;
  if (verdict.kind === 'paused') return 'preempted';
  return undefined;
}

/** Seconds an attempt ran until `now`, which a pause adds to the job's `ran_s`. */
/**
 * Returns when an ended attempt ended: the runner's own end time when it wrote one, because a
 * scheduler that was down when the runner ended learns of the end only when it comes back.
 * Without one, or with a time in the future of this clock, it is `now`.
 */
function attemptEndTime(status: Parameters<typeof judgeAttemptEnd>[2], now: Date): Date {
  const reported = status.result?.ended_at === undefined ? Number.NaN : Date.parse(status.result.ended_at);
  if (Number.isNaN(reported) || reported > now.getTime()) return now;
  return new Date(reported);
}

function secondsRun(attempt: AttemptRow, now: Date): number {
  if (attempt.started_at === null) return 0;
  return Math.max(0, (now.getTime() - new Date(attempt.started_at).getTime()) / 1000);
}

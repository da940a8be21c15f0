import type { Knex } from 'knex';
import { demandOf } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';
import type { ParsedSubmission } from '../jobs/validate-submission.js';
import type { DofcPolicy } from '../policy/dofc.js';
import type { Decision, PolicyJob, Resources } from '../policy/types.js';
import type { CapacitySource } from '../scheduler/capacity-source.js';
import type { PolicySource } from '../scheduler/policy-source.js';
import { loadSnapshot } from '../scheduler/snapshot.js';
import type { PreflightAnalysis } from './analysis.js';

/** Pre-flight fields with the policy's planned start of the job and the finish times it implies. */
export interface PlannedStart {
  /** ISO time; null when the policy makes the job wait without promising a start. */
  planned_start: string | null;
  planned_start_reason: Reason;
  /** Planned start plus the p50 and p90 runtime; null without either. */
  finish_eta_p50: string | null;
  finish_eta_p90: string | null;
}

export interface PlannedStartDeps {
  db: Knex;
  policy: PolicySource;
  /** The capacity the scheduler plans with: fixed, or read from the cluster. */
  capacity: Resources | CapacitySource;
  now: Date;
}

// Stored job ids start at 1, so 0 never names a queued or running job.
const HYPOTHETICAL_JOB_ID = 0;

/**
 * Asks the live policy when it would start the analysed job if it were queued now. The job is
 * added to the scheduler's snapshot as one more queued job and the decisions are only read, so
 * nothing is stored and no job is started.
 *
 * NOTE: the snapshot has no interactive-latency observations (loading them deletes expired
 * samples), so a start that needs a heavy job to be paused first is planned as a wait.
 */
export async function planStart(
  submission: ParsedSubmission,
  analysis: PreflightAnalysis,
  deps: PlannedStartDeps,
): Promise<PlannedStart> {
  const policy = await deps.policy.current(deps.db);
  const halfLifeS = 'config' in policy ? (policy as DofcPolicy).config.fairShare.halfLifeS : null;
  const { snapshot } = await loadSnapshot(deps.db, deps.capacity, deps.now, halfLifeS);

  const job = hypotheticalJob(submission, analysis, deps.now.getTime());
  snapshot.queued.push(job);
  const decision = policy.decide(snapshot).find((candidate) => candidate.jobId === HYPOTHETICAL_JOB_ID);

  const { start, reason } = readDecision(decision, deps.now.getTime(), policy.name);
  return {
    planned_start: start === null ? null : new Date(start).toISOString(),
    planned_start_reason: reason,
    finish_eta_p50: finishAt(start, analysis.eta_p50_s),
    finish_eta_p90: finishAt(start, analysis.eta_p90_s),
  };
}

/** Builds the analysed job as the scheduler would queue it: in the pool of the label verdict, submitted now. */
function hypotheticalJob(submission: ParsedSubmission, analysis: PreflightAnalysis, now: number): PolicyJob {
  return {
    id: HYPOTHETICAL_JOB_ID,
    owner: submission.owner,
    team: submission.team,
    label: analysis.label.verdict,
    pool: analysis.label.pool,
    priority: submission.priority,
    demand: demandOf(submission),
    submittedAt: now,
    notBefore: submission.not_before === undefined ? null : Date.parse(submission.not_before),
    deadline: submission.deadline === undefined ? null : Date.parse(submission.deadline),
    etaP50S: analysis.eta_p50_s,
    etaP90S: analysis.eta_p90_s,
    timeoutS: submission.timeout_s,
    criticalApproved: false,
    preemptions: 0,
    lastPausedAt: null,
    ranS: 0,
  };
}

function readDecision(decision: Decision | undefined, now: number, policyName: string): { start: number | null; reason: Reason } {
  if (decision === undefined) {
    return {
      start: null,
      reason: {
        code: 'no_decision',
        message: `The ${policyName} policy made no decision for this job, so no start can be planned; submit it to see its place in the queue.`,
      },
    };
  }
  if (decision.kind === 'wait') return { start: decision.plannedStart, reason: decision.reason };
  // The policy words a start in the past tense, as it records an applied decision; nothing starts here.
  const message = decision.reason.message.replace(/^Started: (.*) had room\./, 'Would start now: $1 has room.');
  return { start: now, reason: { ...decision.reason, message } };
}

function finishAt(start: number | null, runtimeS: number | null): string | null {
  if (start === null || runtimeS === null) return null;
  return new Date(start + runtimeS * 1000).toISOString();
}

import type { JobState } from '../contract/job-view.js';

/**
 * The legal moves of a job. `starting` may fall back to `queued` when recovery finds that the
 * runner never began, and `retrying` and `paused` go back to `queued` to wait for capacity.
 */
const ALLOWED: Record<JobState, readonly JobState[]> = {
  submitted: ['preflight', 'failed', 'cancelled'],
  preflight: ['queued', 'failed', 'cancelled'],
  queued: ['starting', 'cancelled'],
  starting: ['running', 'queued', 'failed', 'cancelled', 'succeeded', 'retrying'],
  running: ['succeeded', 'failed', 'cancelled', 'retrying', 'paused'],
  retrying: ['queued', 'cancelled'],
  paused: ['queued', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return ALLOWED[from].includes(to);
}

/** States a job may be in for a move to `to`. */
export function statesBefore(to: JobState): JobState[] {
  return (Object.keys(ALLOWED) as JobState[]).filter((from) => ALLOWED[from].includes(to));
}

import type { TranslationBundle } from '@jupyterlab/translation';
import { isTerminal, type JobView } from './job-types';

/** The facts a status line shows, already worded for the user. */
export interface StatusFacts {
  state: string;
  position: string | null;
  plannedStart: string | null;
  eta: string | null;
  reason: string | null;
  progress: { fraction: number; text: string } | null;
}

/**
 * Estimate when a job ends. A running job with progress is extrapolated from its pace so far.
 * Otherwise the job ends its expected run time (the spec's `eta_p50_s`) after its start or
 * planned start. Returns null when neither is known.
 */
export function estimateFinish(job: JobView, now: Date): Date | null {
  if (isTerminal(job.state)) return null;

  const progress = job.progress;
  if (job.state === 'running' && job.started_at !== null && progress !== null && progress.done > 0 && progress.total > 0) {
    const elapsedMs = now.getTime() - new Date(job.started_at).getTime();
    const remainingMs = (elapsedMs / progress.done) * Math.max(progress.total - progress.done, 0);
    return new Date(now.getTime() + remainingMs);
  }

  const runSeconds = typeof job.spec['eta_p50_s'] === 'number' ? job.spec['eta_p50_s'] : null;
  if (runSeconds === null) return null;
  let start: string | null = job.planned_start;
  if (job.state === 'running' && job.started_at !== null) start = job.started_at;
  return start === null ? null : new Date(new Date(start).getTime() + runSeconds * 1000);
}

export function formatTime(value: Date): string {
  return value.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function describeJob(job: JobView, trans: TranslationBundle, now: Date = new Date()): StatusFacts {
  const finish = estimateFinish(job, now);
  const waiting = job.state === 'queued' || job.state === 'submitted' || job.state === 'preflight' || job.state === 'retrying' || job.state === 'paused';

  let eta: string | null = null;
  if (!isTerminal(job.state)) {
    eta = finish === null ? trans.__('ETA unknown') : trans.__('ETA %1', formatTime(finish));
  }

  let progress: StatusFacts['progress'] = null;
  if (job.progress !== null && job.progress.total > 0) {
    const fraction = Math.min(job.progress.done / job.progress.total, 1);
    progress = { fraction, text: trans.__('%1 of %2 %3', job.progress.done, job.progress.total, job.progress.unit) };
  } else if (job.state === 'succeeded') {
    progress = { fraction: 1, text: trans.__('done') };
  }

  return {
    state: job.state,
    position: waiting && job.position !== null ? trans.__('Position %1', job.position) : null,
    plannedStart: job.planned_start !== null && waiting ? trans.__('Planned start %1', formatTime(new Date(job.planned_start))) : null,
    eta,
    reason: job.reason?.message ?? null,
    progress,
  };
}

import type { JobView } from '../contract/job-view.js';

function progressText(job: JobView): string {
  if (job.progress === null) return '';
  return `${job.progress.done}/${job.progress.total} ${job.progress.unit}`;
}

/** A fixed-width table of jobs for the terminal. */
export function formatJobTable(jobs: JobView[]): string {
  const header = ['ID', 'STATE', 'POOL', 'PRI', 'OWNER', 'PROGRESS', 'NAME'];
  const rows = jobs.map((job) => [
    String(job.job_id),
    job.state,
    job.pool,
    job.priority,
    job.owner,
    progressText(job),
    job.name ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** Several lines describing one job. */
export function formatJob(job: JobView): string {
  const lines = [
    `Job ${job.job_id}${job.name ? ` (${job.name})` : ''}: ${job.state}`,
    `  owner ${job.owner}, team ${job.team}, label ${job.label}, priority ${job.priority}, pool ${job.pool}`,
    `  submitted ${job.submitted_at}${job.started_at ? `, started ${job.started_at}` : ''}${job.finished_at ? `, finished ${job.finished_at}` : ''}`,
  ];
  if (job.position !== null) lines.push(`  position ${job.position} in the ${job.pool} pool`);
  if (job.planned_start !== null) lines.push(`  planned start ${job.planned_start}`);
  if (job.progress !== null) lines.push(`  progress ${progressText(job)}`);
  if (job.attempt > 1) lines.push(`  attempt ${job.attempt}`);
  if (job.reason !== null) lines.push(`  ${job.reason.message}`);
  return lines.join('\n');
}

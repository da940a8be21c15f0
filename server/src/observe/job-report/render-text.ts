import { renderSparkReport } from '../spark-report/index.js';
import type { JobReport } from './types.js';

const SLOWEST_CELLS_SHOWN = 10;

function seconds(value: number | null): string {
  return value === null ? 'unknown' : `${value.toFixed(1)} s`;
}

/** Render a job report as plain text for the terminal, slowest cells first. */
export function renderJobReport(report: JobReport): string {
  const lines: string[] = [];
  const name = report.name === null ? '' : ` "${report.name}"`;
  lines.push(`Job ${report.job_id}${name} (${report.owner}, ${report.pool}): ${report.state}`);
  if (report.reason !== null) lines.push(`  ${report.reason.message}`);
  if (report.diagnosis !== null) {
    lines.push(`Diagnosis  ${report.diagnosis.summary}`, `Next step  ${report.diagnosis.action}`);
  }

  const { runtime, queue, usage } = report;
  const predicted =
    runtime.predicted_p50_s === null
      ? 'no prediction'
      : `predicted ${seconds(runtime.predicted_p50_s)} (p50), ${seconds(runtime.predicted_p90_s)} (p90)`;
  const ratio = runtime.ratio_to_p50 === null ? '' : `, ${runtime.ratio_to_p50.toFixed(2)} times the p50`;
  lines.push(`Runtime    ${seconds(runtime.actual_s)} actual against ${predicted}${ratio}`);

  const promise =
    queue.first_promised_start === null
      ? 'no start was promised'
      : `promised start ${queue.first_promised_start}, started ${seconds(queue.late_by_s)} after it`;
  const preflight = queue.preflight_s === null ? '' : ` (pre-flight ${seconds(queue.preflight_s)} of it)`;
  lines.push(`Queue      waited ${seconds(queue.wait_s)} from submission${preflight}; ${promise}`);
  lines.push(`Usage      ${usage.cores} cores, ${usage.mem_gb} GB; ${usage.core_hours} core-hours`);

  lines.push(`Attempts   ${report.attempts.length} (${report.retries} retries)`);
  for (const attempt of report.attempts) {
    const explained = attempt.diagnosis === null ? '' : `  ${attempt.diagnosis.summary}`;
    lines.push(`  ${attempt.attempt}  ${(attempt.code ?? 'running').padEnd(16)} ${seconds(attempt.duration_s).padStart(9)}${explained}`);
  }

  if (report.cells.length > 0) {
    lines.push(`Cells      ${report.cells.length} timed; slowest first`);
    const slowest = [...report.cells].sort((a, b) => b.duration_s - a.duration_s).slice(0, SLOWEST_CELLS_SHOWN);
    for (const cell of slowest) {
      lines.push(`  cell ${String(cell.cell).padEnd(4)} ${seconds(cell.duration_s).padStart(9)}  ${cell.status}`);
    }
  }

  if (report.spark !== null) {
    lines.push(`Spark      event log ${report.spark.event_log}`);
    lines.push('error' in report.spark ? `  ${report.spark.error}` : renderSparkReport(report.spark.report).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

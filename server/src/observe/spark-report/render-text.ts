import { firstLine, formatBytes, formatDuration, formatPercent, formatRatio, formatTime } from './format.js';
import { type TableColumn, renderTable } from './text-table.js';
import type { ExecutorCeiling, SparkReport, StageSummary } from './types.js';

const MAX_STAGE_NAME_CHARS = 40;

const STAGE_COLUMNS: TableColumn[] = [
  { header: 'Stage', align: 'right' },
  { header: 'Attempt', align: 'right' },
  { header: 'Job', align: 'right' },
  { header: 'Status', align: 'left' },
  { header: 'Tasks', align: 'right' },
  { header: 'Failed', align: 'right' },
  { header: 'Duration', align: 'right' },
  { header: 'Shuffle read', align: 'right' },
  { header: 'Shuffle write', align: 'right' },
  { header: 'Spill mem', align: 'right' },
  { header: 'Spill disk', align: 'right' },
  { header: 'Input', align: 'right' },
  { header: 'GC', align: 'right' },
  { header: 'Median task', align: 'right' },
  { header: 'Max task', align: 'right' },
  { header: 'Skew', align: 'right' },
  { header: 'Name', align: 'left' },
];

const CEILING_LABELS: Record<ExecutorCeiling['source'], string> = {
  option: '--max-executors',
  'spark.dynamicAllocation.maxExecutors': 'spark.dynamicAllocation.maxExecutors',
  'spark.executor.instances': 'spark.executor.instances',
};

/** Renders the report as text for a terminal: a summary, a table of stages, failures and hints. */
export function renderSparkReport(report: SparkReport): string {
  const sections = [
    renderHeader(report),
    renderWork(report),
    renderExecutors(report),
    ['Stages', ...indent(renderTable(STAGE_COLUMNS, report.stages.map(stageRow)))],
    renderFailures(report),
    renderHints(report),
  ];
  return `${sections.filter((lines) => lines.length > 0).map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function renderHeader(report: SparkReport): string[] {
  const { application: app, config } = report;
  const name = app.name === null ? '' : ` "${app.name}"`;
  const facts = [
    `Spark ${app.sparkVersion ?? 'version unknown'}`,
    app.user === null ? null : `user ${app.user}`,
    config.master === null ? null : `master ${config.master}`,
  ].filter((fact) => fact !== null);
  const duration = app.durationMs === null ? 'unknown' : formatDuration(app.durationMs);
  const end = app.endTime === null ? `no end event, last event ${formatTime(app.lastEventTime)}` : `end ${formatTime(app.endTime)}`;

  const lines = [
    `Spark application ${app.id ?? '(id unknown)'}${name}`,
    `  ${facts.join(', ')}`,
    `  Start ${formatTime(app.startTime)}, ${end}, duration ${duration}`,
  ];
  if (report.incomplete) {
    lines.push('', 'INCOMPLETE LOG', ...report.incompleteReasons.map((reason) => `  ${reason}`));
  }
  return lines;
}

function renderWork(report: SparkReport): string[] {
  const { counts, totals } = report;
  const gc =
    totals.gcShare === null
      ? 'no executor run time'
      : `${formatDuration(totals.gcTimeMs)} of ${formatDuration(totals.executorRunTimeMs)} executor run time (${formatPercent(totals.gcShare)})`;
  const running = counts.tasksStillRunning > 0 ? `, ${counts.tasksStillRunning} still running` : '';
  const jobsRunning = counts.jobs - counts.jobsSucceeded - counts.jobsFailed;
  const stagesRunning = report.stages.filter((stage) => stage.status === 'running').length;

  return [
    'Work',
    `  Jobs     ${counts.jobs} (${counts.jobsSucceeded} succeeded, ${counts.jobsFailed} failed${jobsRunning > 0 ? `, ${jobsRunning} still running` : ''})`,
    `  Stages   ${counts.stages} (${counts.stagesFailed} failed, ${counts.stagesSkipped} skipped${stagesRunning > 0 ? `, ${stagesRunning} still running` : ''})`,
    `  Tasks    ${counts.tasks} (${counts.tasksSucceeded} succeeded, ${counts.tasksFailed} failed, ${counts.tasksKilled} killed${running})`,
    `  Shuffle  read ${formatBytes(totals.shuffleReadBytes)}, write ${formatBytes(totals.shuffleWriteBytes)}`,
    `  Spill    ${formatBytes(totals.memorySpillBytes)} in memory, ${formatBytes(totals.diskSpillBytes)} on disk`,
    `  Input    ${formatBytes(totals.inputBytes)}, output ${formatBytes(totals.outputBytes)}`,
    `  GC       ${gc}`,
  ];
}

function renderExecutors(report: SparkReport): string[] {
  const { executors, totals } = report;
  const cores = executors.coresPerExecutor.length === 0 ? 'cores unknown' : `${executors.coresPerExecutor.join(' or ')} cores each`;
  const lines = [
    'Executors',
    `  ${executors.added} added, ${executors.removed} removed, at most ${executors.maxConcurrent} running and ${executors.maxBusy} busy at once, ${cores}`,
  ];
  if (executors.coreUse !== null) {
    lines.push(
      `  Core use ${formatPercent(executors.coreUse)}: ${formatDuration(totals.taskTimeMs)} of task time in ${formatDuration(executors.coreTimeMs)} of core time held`,
    );
  }
  if (executors.ceiling !== null) {
    const { ceiling } = executors;
    lines.push(
      `  Ceiling ${ceiling.maxExecutors} executors (${CEILING_LABELS[ceiling.source]}): peak ${formatPercent(ceiling.peakShare)} running, ${formatPercent(ceiling.busyShare)} busy`,
    );
  }
  for (const loss of executors.losses) {
    lines.push(`  Lost executor ${loss.executorId}${loss.host === null ? '' : ` on ${loss.host}`} at ${formatTime(loss.time)}: ${loss.reason}`);
  }
  return lines;
}

function stageRow(stage: StageSummary): string[] {
  const name = stage.name ?? '';
  return [
    String(stage.stageId),
    String(stage.attemptId),
    stage.jobId === null ? '-' : String(stage.jobId),
    stage.status,
    String(stage.tasks),
    String(stage.tasksFailed),
    stage.durationMs === null ? '-' : formatDuration(stage.durationMs),
    formatBytes(stage.shuffleReadBytes),
    formatBytes(stage.shuffleWriteBytes),
    formatBytes(stage.memorySpillBytes),
    formatBytes(stage.diskSpillBytes),
    formatBytes(stage.inputBytes),
    formatDuration(stage.gcTimeMs),
    stage.medianTaskMs === null ? '-' : formatDuration(stage.medianTaskMs),
    stage.maxTaskMs === null ? '-' : formatDuration(stage.maxTaskMs),
    stage.taskSkew === null ? '-' : `${formatRatio(stage.taskSkew)}x`,
    name.length > MAX_STAGE_NAME_CHARS ? `${name.slice(0, MAX_STAGE_NAME_CHARS - 3)}...` : name,
  ];
}

function renderFailures(report: SparkReport): string[] {
  const { failures } = report;
  const lines = [
    ...failures.taskFailures.map(
      (group) => `  ${group.count} x ${group.reason} in stage ${group.stageIds.join(', ')}: ${group.message}`,
    ),
    ...failures.failedStages.map((stage) => `  Stage ${stage.stageId} attempt ${stage.attemptId} failed: ${firstLine(stage.reason)}`),
    ...failures.failedJobs.map((job) => `  Job ${job.jobId} failed: ${job.message}`),
  ];
  if (failures.resubmittedTasks > 0) {
    lines.push(`  ${failures.resubmittedTasks} finished tasks were resubmitted because their output was lost`);
  }
  return lines.length === 0 ? [] : ['Failures', ...lines];
}

function renderHints(report: SparkReport): string[] {
  if (report.hints.length === 0) {
    return ['Hints', '  None: no figure crossed a hint threshold.'];
  }
  return ['Hints', ...report.hints.map((hint) => `  [${hint.id}] ${hint.message}`)];
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

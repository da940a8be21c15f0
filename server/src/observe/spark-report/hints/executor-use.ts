import type { ExecutorCeiling, Hint } from '../types.js';
import { formatDuration, formatPercent } from '../format.js';
import type { ReportFigures } from './report-figures.js';
import { describeSetting } from './settings.js';
import {
  CEILING_BUSY_SHARE_THRESHOLD,
  IDLE_CORE_USE_THRESHOLD,
  IDLE_MIN_CORE_TIME_MS,
} from './thresholds.js';

const CEILING_SOURCES: Record<ExecutorCeiling['source'], string> = {
  option: 'the --max-executors ceiling',
  'spark.dynamicAllocation.maxExecutors': 'spark.dynamicAllocation.maxExecutors',
  'spark.executor.instances': 'spark.executor.instances',
};

/** Flags an executor ceiling that the application never came close to using. */
export function executorCeilingHints(report: ReportFigures): Hint[] {
  const { ceiling, maxBusy, maxConcurrent } = report.executors;
  if (ceiling === null || ceiling.busyShare > CEILING_BUSY_SHARE_THRESHOLD) {
    return [];
  }
  return [
    {
      id: 'executors-below-ceiling',
      stageId: null,
      message:
        `Only ${maxBusy} of ${ceiling.maxExecutors} executors (${CEILING_SOURCES[ceiling.source]}) were busy at once, ` +
        `and at most ${maxConcurrent} were running: lower the ceiling to ${Math.max(maxBusy, 1)} ` +
        'and leave the rest of the cluster to other jobs.',
      value: ceiling.busyShare,
      threshold: CEILING_BUSY_SHARE_THRESHOLD,
    },
  ];
}

/** Flags executors that held their cores far longer than their tasks used them. */
export function idleCoreTimeHints(report: ReportFigures): Hint[] {
  const { coreUse, coreTimeMs } = report.executors;
  if (coreUse === null || coreUse > IDLE_CORE_USE_THRESHOLD || coreTimeMs < IDLE_MIN_CORE_TIME_MS) {
    return [];
  }

  const { config } = report;
  const coresSetting = describeSetting('spark.executor.cores', config.executorCores);
  const advice = config.dynamicAllocationEnabled
    ? `release idle executors sooner (${describeSetting('spark.dynamicAllocation.executorIdleTimeout', config.dynamicAllocationIdleTimeout)}) or give each fewer cores (${coresSetting})`
    : `enable dynamic allocation (spark.dynamicAllocation.enabled) so idle executors go back to the cluster, or request fewer cores (${coresSetting})`;

  return [
    {
      id: 'idle-core-time',
      stageId: null,
      message:
        `Executors ran tasks for ${formatPercent(coreUse)} of the core time they held ` +
        `(${formatDuration(report.totals.taskTimeMs)} of ${formatDuration(coreTimeMs)} core time): ${advice}.`,
      value: coreUse,
      threshold: IDLE_CORE_USE_THRESHOLD,
    },
  ];
}

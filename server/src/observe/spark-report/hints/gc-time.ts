import type { Hint } from '../types.js';
import { formatDuration, formatPercent } from '../format.js';
import type { ReportFigures } from './report-figures.js';
import { describeTaskMemorySetting } from './settings.js';
import { GC_MIN_EXECUTOR_RUN_TIME_MS, GC_SHARE_THRESHOLD } from './thresholds.js';

/** Flags an application whose executors spent a large share of their run time in garbage collection. */
export function gcTimeHints(report: ReportFigures): Hint[] {
  const { gcShare, gcTimeMs, executorRunTimeMs } = report.totals;
  if (gcShare === null || gcShare < GC_SHARE_THRESHOLD || executorRunTimeMs < GC_MIN_EXECUTOR_RUN_TIME_MS) {
    return [];
  }

  const worst = report.stages.reduce((max, stage) => (stage.gcTimeMs > max.gcTimeMs ? stage : max));
  const worstShare = worst.executorRunTimeMs > 0 ? worst.gcTimeMs / worst.executorRunTimeMs : 0;
  const memorySetting = describeTaskMemorySetting(report.config);

  return [
    {
      id: 'gc-time',
      stageId: null,
      message:
        `GC took ${formatPercent(gcShare)} of executor run time (${formatDuration(gcTimeMs)} of ${formatDuration(executorRunTimeMs)}), ` +
        `most in stage ${worst.stageId} (${formatDuration(worst.gcTimeMs)}, ${formatPercent(worstShare)} of its run time): ` +
        `give the JVMs more memory (${memorySetting}), or cache and collect less.`,
      value: gcShare,
      threshold: GC_SHARE_THRESHOLD,
    },
  ];
}

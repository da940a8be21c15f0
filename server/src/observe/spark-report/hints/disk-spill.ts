import type { Hint } from '../types.js';
import { formatBytes } from '../format.js';
import type { ReportFigures } from './report-figures.js';
import { describeSetting, describeTaskMemorySetting } from './settings.js';
import { DISK_SPILL_MIN_BYTES } from './thresholds.js';

/** Flags stages whose tasks spilled to disk because their data did not fit in execution memory. */
export function diskSpillHints(report: ReportFigures): Hint[] {
  const { config } = report;
  const memorySetting = describeTaskMemorySetting(config);
  const partitionsSetting = describeSetting('spark.sql.shuffle.partitions', config.sqlShufflePartitions);

  return report.stages
    .filter((stage) => stage.diskSpillBytes >= DISK_SPILL_MIN_BYTES)
    .map((stage) => ({
      id: 'disk-spill' as const,
      stageId: stage.stageId,
      message:
        `Tasks spilled ${formatBytes(stage.diskSpillBytes)} to disk (${formatBytes(stage.memorySpillBytes)} in memory) ` +
        `in stage ${stage.stageId}: raise ${memorySetting} or the number of shuffle partitions (${partitionsSetting}) ` +
        'so that each task fits in memory.',
      value: stage.diskSpillBytes,
      threshold: DISK_SPILL_MIN_BYTES,
    }));
}


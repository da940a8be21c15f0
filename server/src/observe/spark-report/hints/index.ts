import type { Hint } from '../types.js';
import { diskSpillHints } from './disk-spill.js';
import { executorCeilingHints, idleCoreTimeHints } from './executor-use.js';
import { executorLossHints, taskFailureHints } from './failures.js';
import { gcTimeHints } from './gc-time.js';
import type { ReportFigures } from './report-figures.js';
import { taskSkewHints } from './task-skew.js';

/** Hint rules in report order: failures first, then the costliest slowdowns, then idle capacity. */
const HINT_RULES: readonly ((report: ReportFigures) => Hint[])[] = [
  taskFailureHints,
  executorLossHints,
  taskSkewHints,
  diskSpillHints,
  gcTimeHints,
  executorCeilingHints,
  idleCoreTimeHints,
];

export function buildHints(report: ReportFigures): Hint[] {
  return HINT_RULES.flatMap((rule) => rule(report));
}

import type { SparkReport } from '../types.js';

/** Everything a hint rule may read: the report before its hints are added. */
export type ReportFigures = Omit<SparkReport, 'hints'>;

/** The inspector's JSON report as pre-flight reads it, and the error of an inspection that failed. */

/** One data reference from the inspector's JSON report (`dofc/inspector/report.py`, DataRef). */
export interface InspectedRef {
  engine: string;
  api: string;
  kind: 'path' | 'table' | 'url' | 'query';
  location: string | null;
  exact: boolean;
  format: string | null;
  cell: number | null;
  line: number;
}

export interface InspectedFlag {
  id: string;
  severity: 'info' | 'warning' | 'error';
  cell: number | null;
  line: number;
  message: string;
  fix: string;
}

/** The subset of the inspector's report that pre-flight uses. */
export interface InspectionReport {
  inputs: InspectedRef[];
  outputs: InspectedRef[];
  operations: Record<string, number>;
  uses_spark: boolean;
  flags: InspectedFlag[];
  code_cells: number;
}

export interface InspectorOptions {
  python: string;
  timeoutMs: number;
  /** Working directory of the interpreter; it must make the `dofc` package importable. */
  cwd: string;
}

/**
 * The inspector could not run or returned something other than a report. `transient` is true
 * when a signal from outside stopped it (a shutdown that signals the whole process group, an
 * operator's kill): the source is not at fault, so the analysis is worth running again.
 */
export class InspectorError extends Error {
  readonly transient: boolean;

  constructor(message: string, options?: ErrorOptions & { transient?: boolean }) {
    super(message, options);
    this.name = 'InspectorError';
    this.transient = options?.transient ?? false;
  }
}

/** Checks that a value from the inspector has the fields pre-flight reads, and returns it typed. */
export function toInspectionReport(value: unknown): InspectionReport {
  const report = (value ?? {}) as Partial<InspectionReport>;
  if (!Array.isArray(report.inputs) || !Array.isArray(report.flags) || typeof report.operations !== 'object') {
    throw new InspectorError('the code inspector returned JSON without inputs, flags and operations');
  }
  return report as InspectionReport;
}

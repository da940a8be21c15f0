import path from 'node:path';
import type { InspectionReport } from './inspector-report.js';
import type { SamplePlan } from './sample-run.js';
import type { SampleSettings } from './sample-settings.js';

/** The parts of a job that a sample plan reads. */
export interface SampleSubject {
  source: { kind: 'notebook' | 'cell' | 'script'; content: string; path: string | null; setupCells?: string[] };
  declaredInputs: ReadonlyArray<{ path: string }>;
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const DOFC_READ = /\bdofc\.read\s*\(|from\s+dofc\s+import\s+[^\n]*\bread\b/;

/**
 * Plans the sample runs of a job, or returns why it cannot have any. Only inputs that the code
 * names by a relative path (or a relative glob) are sampled, because the shadow folder can only
 * redirect those. An absolute path would read the whole original file in the sample run.
 */
export function planSampleRuns(subject: SampleSubject, report: InspectionReport, settings: SampleSettings): SamplePlan | { skip: string } {
  if (settings.mode === 'off') return { skip: 'sample runs are off (DOFC_SAMPLE_RUNS=off)' };
  const sourcePath = subject.source.path;
  if (sourcePath === null) return { skip: 'the source has no folder, so its relative inputs cannot be found; submit it with source.path' };
  const workdir = path.dirname(sourcePath);

  const locations = [
    ...subject.declaredInputs.map((input) => input.path),
    ...report.inputs.filter((ref) => ref.kind === 'path' && ref.location !== null).map((ref) => ref.location as string),
  ];
  const inputs = [...new Set(locations.filter(isRelativeLocal).map((location) => path.resolve(workdir, location)))];
  const outputs = report.outputs
    .filter((ref) => ref.kind === 'path' && ref.exact && ref.location !== null && isRelativeLocal(ref.location))
    .map((ref) => path.resolve(workdir, ref.location as string));

  const usesDofcRead = DOFC_READ.test(subject.source.content) || (subject.source.setupCells ?? []).some((cell) => DOFC_READ.test(cell));
  if (inputs.length === 0 && !usesDofcRead) {
    return { skip: 'the code reads no local file by a relative path and does not call dofc.read' };
  }
  return {
    kind: subject.source.kind,
    content: subject.source.content,
    setupCells: subject.source.setupCells ?? [],
    workdir,
    inputs,
    outputs,
    usesDofcRead,
  };
}

function isRelativeLocal(location: string): boolean {
  return !REMOTE.test(location) && !path.isAbsolute(location);
}

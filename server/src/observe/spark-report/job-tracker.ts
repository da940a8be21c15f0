import { firstLine } from './format.js';
import { type JsonObject, numberArrayField, numberField, objectField, stringField } from './json-fields.js';
import type { JobSummary } from './types.js';

/** Collects SparkListenerJobStart and JobEnd events, and which job each stage belongs to. */
export class JobTracker {
  private readonly jobs = new Map<number, Omit<JobSummary, 'durationMs'>>();
  private readonly stageToJob = new Map<number, number>();

  recordStart(event: JsonObject): void {
    const jobId = numberField(event, 'Job ID') ?? -1;
    const stageIds = numberArrayField(event, 'Stage IDs');
    for (const stageId of stageIds) {
      this.stageToJob.set(stageId, jobId);
    }
    this.jobs.set(jobId, {
      jobId,
      submissionTime: numberField(event, 'Submission Time') ?? null,
      completionTime: null,
      result: null,
      failureMessage: null,
      stageIds,
    });
  }

  recordEnd(event: JsonObject): void {
    const jobId = numberField(event, 'Job ID') ?? -1;
    const jobResult = objectField(event, 'Job Result');
    const exceptionMessage = stringField(objectField(jobResult, 'Exception'), 'Message');
    const job = this.jobs.get(jobId) ?? {
      jobId,
      submissionTime: null,
      completionTime: null,
      result: null,
      failureMessage: null,
      stageIds: [],
    };

    job.completionTime = numberField(event, 'Completion Time') ?? null;
    job.result = stringField(jobResult, 'Result') ?? 'unknown';
    job.failureMessage = exceptionMessage === undefined ? null : firstLine(exceptionMessage);
    this.jobs.set(jobId, job);
  }

  jobOfStage(stageId: number): number | null {
    return this.stageToJob.get(stageId) ?? null;
  }

  summarize(): JobSummary[] {
    return [...this.jobs.values()]
      .sort((a, b) => a.jobId - b.jobId)
      .map((job) => ({
        ...job,
        durationMs:
          job.completionTime !== null && job.submissionTime !== null ? job.completionTime - job.submissionTime : null,
      }));
  }

  /** Counts stages of ended jobs that never ran, as Spark's UI does; stages of running jobs may still run. */
  countSkippedStages(ranStageIds: ReadonlySet<number>): number {
    const skipped = new Set<number>();
    for (const job of this.jobs.values()) {
      if (job.result === null) {
        continue;
      }
      for (const stageId of job.stageIds) {
        if (!ranStageIds.has(stageId)) {
          skipped.add(stageId);
        }
      }
    }
    return skipped.size;
  }
}

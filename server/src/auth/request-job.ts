import type { Request } from 'express';
import type { JobRow } from '../store/job-rows.js';

// The access check reads the job's row anyway, so the handler of the same request reuses it
// instead of reading it again. A WeakMap lets the row go with the request.
const jobs = new WeakMap<Request, JobRow>();

export function setRequestJob(request: Request, job: JobRow): void {
  jobs.set(request, job);
}

/** Returns the job row the access check read for this request, if it read the job `id`. */
export function findRequestJob(request: Request, id: number): JobRow | undefined {
  const job = jobs.get(request);
  return job?.id === id ? job : undefined;
}

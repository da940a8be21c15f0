import { Router } from 'express';
import { loadConfig } from '../../config.js';
import { JobSubmissionSchema } from '../../contract/job-spec.js';
import { analyzeSubject } from '../../preflight/analyzer.js';
import { planStart } from '../../preflight/planned-start.js';
import { sampleRunsFor } from '../../preflight/sample-runs.js';
import { loadPreflightSettings, type PreflightSettings } from '../../preflight/settings.js';
import { subjectFromSubmission } from '../../preflight/submission.js';
import type { ApiServices } from '../services.js';
import { requestIdentity } from '../actor.js';
import { withCallerAsOwner } from '../../auth/caller-submission.js';

/**
 * `POST /preflight`: analyses a submission body without storing a job and returns the analysis
 * with the policy's planned start, or the same 400 and 422 errors as `POST /jobs`. Sample runs, when the job qualifies, run
 * before the response, which then takes about three runs of the job's fixed start-up;
 * `?samples=off` skips them.
 */
export function preflightRouter(services: ApiServices, settings?: PreflightSettings): Router {
  // NOTE: without `settings` the interpreter is the one the environment selects (DOFC_PYTHON or
  // the checkout's venv), which is the service's unless it was started with another one in code.
  const resolved = settings ?? loadPreflightSettings(loadConfig(process.env).python);
  const router = Router();

  router.post('/', async (request, response) => {
    const body = await withCallerAsOwner(services.db, request.body, requestIdentity(request));
    const subject = await subjectFromSubmission(body, services.capacity);
    const sampling = request.query['samples'] !== 'off' && resolved.sample.mode !== 'off';
    const sampleRuns = sampling
      ? sampleRunsFor({ db: services.db, capacity: services.capacity, python: resolved.python, repoRoot: resolved.repoRoot, settings: resolved.sample })
      : null;
    const analysis = await analyzeSubject(subject, {
      db: services.db,
      settings: resolved,
      now: services.now,
      ...(sampleRuns === null ? {} : { sample: (plan) => sampleRuns.measure(plan) }),
    });
    // `measure` waits for its runs, so only a scheduler-side sampler can leave the analysis pending.
    if (analysis === null) throw new Error('pre-flight returned no analysis although its sample runs were awaited');

    // The body passed validation above, so this parse only restores the fields the analysis drops.
    const submission = JobSubmissionSchema.parse(body);
    const planned = await planStart(submission, analysis, {
      db: services.db,
      policy: services.policy,
      capacity: services.capacitySource ?? services.capacity,
      now: services.now(),
    });
    // The planned start's finish_eta_p90 replaces the analysis's, which assumes a start at analysis time.
    response.json({ ...analysis, ...planned });
  });
  return router;
}

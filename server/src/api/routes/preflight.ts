import { Router } from 'express';
import { loadConfig } from '../../config.js';
import { analyzeSubject } from '../../preflight/analyzer.js';
import { loadPreflightSettings, type PreflightSettings } from '../../preflight/settings.js';
import { subjectFromSubmission } from '../../preflight/submission.js';
import type { ApiServices } from '../services.js';

/**
 * `POST /preflight`: analyses a submission body without storing a job and returns the analysis,
 * or the same 400 and 422 errors as `POST /jobs`.
 */
export function preflightRouter(services: ApiServices, settings?: PreflightSettings): Router {
  // NOTE: without `settings` the interpreter is the one the environment selects (DOFC_PYTHON or
  // the checkout's venv), which is the service's unless it was started with another one in code.
  const resolved = settings ?? loadPreflightSettings(loadConfig(process.env).python);
  const router = Router();

  router.post('/', async (request, response) => {
    const subject = await subjectFromSubmission(request.body, services.capacity);
    const analysis = await analyzeSubject(subject, {
      db: services.db,
      settings: resolved,
      now: services.now,
    });
    response.json(analysis);
  });
  return router;
}

import express, { type Express } from 'express';
import { buildOpenApiDocument } from './openapi.js';
import { errorMapper } from './error-mapper.js';
import { jobStreamRouter } from './routes/job-stream.js';
import { jobsRouter } from './routes/jobs.js';
import { preflightRouter } from './routes/preflight.js';
import { observeRouter } from './routes/observe.js';
import { adminRouter } from './routes/admin.js';
import { recurringRouter } from './routes/recurring.js';
import { observationsRouter } from './routes/observations.js';
import type { ApiServices } from './services.js';
import { authorizationMiddleware } from '../auth/middleware.js';
import { DEFAULT_SUBMIT_RATE_LIMIT, submissionRateLimit } from './rate-limit.js';
import { meRouter } from './routes/me.js';
import { usersRouter } from './routes/users.js';

/** A notebook snapshot plus its JobSpec; larger bodies are rejected with 413. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** Build the HTTP API. It reads and changes jobs through the store and never runs them. */
export function createApp(services: ApiServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: MAX_BODY_BYTES }));

  app.get('/health', async (_request, response) => {
    try {
      await services.db.raw('select 1');
      response.json({ status: 'ok', version: services.version, ...(services.schedulerRole ? { role: services.schedulerRole() } : {}) });
    } catch (error) {
      services.logger.error({ err: error }, 'health check failed: the store did not respond');
      response.status(503).json({ error: 'store_unavailable', message: 'The job store did not respond; check that the database is running and reachable.' });
    }
  });

  const openApi = buildOpenApiDocument(services.version);
  app.get('/openapi.json', (_request, response) => {
    response.json(openApi);
  });

  // Everything registered after this line needs a credential unless ROUTE_ACCESS marks it public.
  app.use(authorizationMiddleware(services.db, services.authenticator, services.logger));
  app.use(submissionRateLimit(services.submitRateLimit ?? DEFAULT_SUBMIT_RATE_LIMIT, services.now));
  app.use('/me', meRouter(services));
  app.use('/admin', usersRouter(services));

  app.use(observeRouter(services));
  app.use('/jobs', jobStreamRouter(services));
  app.use('/jobs', jobsRouter(services));
  app.use('/preflight', preflightRouter(services));
  app.use('/admin', adminRouter(services));
  app.use('/recurring', recurringRouter(services));
  app.use('/observations', observationsRouter(services));

  app.use((request, response) => {
    response.status(404).json({ error: 'not_found', message: `No route for ${request.method} ${request.path}; see /openapi.json.` });
  });
  app.use(errorMapper(services.logger));
  return app;
}

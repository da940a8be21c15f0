import { Router } from 'express';
import { CellLatencyReportSchema } from '../../contract/observations.js';
import { describeFirstIssue } from '../../contract/validation-message.js';
import { InvalidInputError } from '../../jobs/errors.js';
import { storeCellLatencySamples } from '../../scheduler/cell-latency.js';
import { requestActor } from '../actor.js';
import type { ApiServices } from '../services.js';

/** A sample time this far ahead of the server's clock is a client clock error, not a measurement. */
const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;

/** Observations that clients report for the scheduler's signals, such as Light notebooks' cell latency. */
export function observationsRouter(services: ApiServices): Router {
  const router = Router();

  router.post('/cell-latency', async (request, response) => {
    const parsed = CellLatencyReportSchema.safeParse(request.body);
    if (!parsed.success) {
      const problem = describeFirstIssue(parsed.error, request.body);
      throw new InvalidInputError('invalid_cell_latency', problem.message, problem.field);
    }

    const now = services.now();
    const samples = parsed.data.samples.map((sample, index) => {
      const at = new Date(sample.at);
      if (at.getTime() - now.getTime() > MAX_CLOCK_AHEAD_MS) {
        throw new InvalidInputError(
          'invalid_cell_latency',
          `Invalid samples.${index}.at (${sample.at}): it is more than 5 minutes after the server's time ${now.toISOString()}; check the client's clock.`,
          `samples.${index}.at`,
        );
      }
      return { owner: requestActor(request), notebook: sample.notebook, durationMs: sample.duration_ms, at };
    });

    await storeCellLatencySamples(services.db, samples, now);
    response.status(202).json({ accepted: samples.length });
  });

  return router;
}

import { Router } from 'express';
import type { z } from 'zod';
import {
  PolicySettingsRequestSchema,
  ReservationRequestSchema,
  type PolicySettingsView,
} from '../../contract/admin.js';
import { describeFirstIssue } from '../../contract/validation-message.js';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  RejectedError,
} from '../../jobs/errors.js';
import {
  PolicyConfigError,
  validatePolicyConfig,
  type DofcPolicyConfigInput,
} from '../../policy/config.js';
import {
  cancelReservation,
  insertReservation,
  listReservations,
  loadPolicySettings,
  storePolicySettings,
  toReservationView,
  type StoredPolicySettings,
} from '../../store/policy-settings.js';
import { isTerminal } from '../../contract/job-view.js';
import { recordAudit } from '../../audit/audit-log.js';
import { approveCriticalJob } from '../../audit/critical-approval.js';
import { auditAdminRouter } from '../../audit/audit-routes.js';
import { toJobView, type JobRow } from '../../store/job-rows.js';
import { requestActor } from '../actor.js';
import { MAX_ROW_ID } from '../../contract/row-id.js';
import { parseJobId } from './jobs.js';
import type { ApiServices } from '../services.js';

function settingsView(stored: StoredPolicySettings): PolicySettingsView {
  return {
    settings: stored.settings as Record<string, unknown>,
    effective: validatePolicyConfig(stored.settings) as unknown as Record<string, unknown>,
    version: stored.version,
    updated_by: stored.updatedBy,
    updated_at: stored.updatedAt === null ? null : new Date(stored.updatedAt).toISOString(),
  };
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown, code: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problem = describeFirstIssue(parsed.error, body);
  throw new InvalidInputError(code, problem.message, problem.field);
}

/**
 * Routes under /admin: the scheduling policy's settings (pools, calendar, caps, fair share,
 * preemption) and capacity reservations.
 * TODO: restrict to admins once requests are authenticated.
 */
export function adminRouter(services: ApiServices): Router {
  const router = Router();
  const { db } = services;

  router.get('/policy', async (_request, response) => {
    response.json(settingsView(await loadPolicySettings(db)));
  });

  router.put('/policy', async (request, response) => {
    const body = parseBody(PolicySettingsRequestSchema, request.body, 'invalid_policy_settings');
    const settings = body.settings as DofcPolicyConfigInput;
    try {
      validatePolicyConfig(settings);
    } catch (error) {
      if (error instanceof PolicyConfigError) {
        throw new InvalidInputError(
          'invalid_policy_settings',
          error.message,
          `settings.${error.field}`,
        );
      }
      throw error;
    }

    const actor = requestActor(request);
    const stored = await db.transaction(async (trx) => {
      const current = await loadPolicySettings(trx);
      if (body.expected_version !== undefined && body.expected_version !== current.version) {
        throw new ConflictError(
          'policy_settings_changed',
          `The policy settings are at version ${current.version}, not ${body.expected_version}: someone saved in between. Reload them and apply your change again.`,
        );
      }
      await storePolicySettings(trx, settings, current.version + 1, actor, services.now());
      const next = await loadPolicySettings(trx);
      await recordAudit(trx, {
        at: services.now(),
        actor,
        action: 'policy.update',
        target: 'policy',
        before: { version: current.version, settings: current.settings },
        after: { version: next.version, settings: next.settings },
      });
      return next;
    });
    services.logger.info({ version: stored.version, actor }, 'policy settings changed');
    services.onJobsChanged();
    response.json(settingsView(stored));
  });

  router.get('/reservations', async (_request, response) => {
    const rows = await listReservations(db, services.now());
    response.json({ reservations: rows.map(toReservationView) });
  });

  router.post('/reservations', async (request, response) => {
    const reservation = parseBody(ReservationRequestSchema, request.body, 'invalid_reservation');
    const capacity = services.capacity;
    if (reservation.cores > capacity.cores || reservation.mem_gb > capacity.memGb) {
      throw new RejectedError(
        'reservation_larger_than_cluster',
        `The reservation asks for ${reservation.cores} cores and ${reservation.mem_gb} GB, but the cluster has ${capacity.cores} cores and ${capacity.memGb} GB; reserve less.`,
      );
    }
    if (Date.parse(reservation.ends_at) <= services.now().getTime()) {
      throw new InvalidInputError(
        'invalid_reservation',
        `ends_at ${reservation.ends_at} is in the past; book a window that has not ended.`,
        'ends_at',
      );
    }

    const actor = requestActor(request);
    const row = await db.transaction(async (trx) => {
      const inserted = await insertReservation(trx, reservation, actor, services.now());
      await recordAudit(trx, {
        at: services.now(),
        actor,
        action: 'reservation.create',
        target: `reservation:${inserted.id}`,
        before: null,
        after: toReservationView(inserted),
      });
      return inserted;
    });
    services.logger.info({ reservationId: row.id, actor }, 'reservation created');
    services.onJobsChanged();
    response.status(201).json(toReservationView(row));
  });

  router.delete('/reservations/:id', async (request, response) => {
    const id = Number(request.params['id']);
    if (!Number.isSafeInteger(id) || id <= 0 || id > MAX_ROW_ID) {
      throw new InvalidInputError(
        'invalid_reservation_id',
        `Reservation id ${JSON.stringify(request.params['id'])} is invalid; ids are whole numbers from 1 to ${MAX_ROW_ID}.`,
        'id',
      );
    }
    const actor = requestActor(request);
    await db.transaction(async (trx) => {
      const before = await trx('reservations').where({ id }).first();
      if (before === undefined || !(await cancelReservation(trx, id, services.now()))) {
        throw new NotFoundError(
          'reservation_not_found',
          `Reservation ${id} does not exist or was already cancelled; list them with GET /admin/reservations.`,
        );
      }
      await recordAudit(trx, {
        at: services.now(),
        actor,
        action: 'reservation.cancel',
        target: `reservation:${id}`,
        before: toReservationView(before),
        after: { cancelled_at: services.now().toISOString() },
      });
    });
    services.logger.info({ reservationId: id, actor }, 'reservation cancelled');
    services.onJobsChanged();
    response.status(204).end();
  });

  router.post('/jobs/:id/approve-critical', async (request, response) => {
    const id = parseJobId(request.params['id']);
    const actor = requestActor(request);
    const job = await db.transaction(async (trx) => {
      const row = await trx<JobRow>('jobs').where({ id }).forUpdate().first();
      if (row === undefined)
        throw new NotFoundError(
          'job_not_found',
          `Job ${id} does not exist. List jobs with "dofc status".`,
        );
      if (row.priority !== 'P0') {
        throw new RejectedError(
          'not_p0',
          `Job ${id} is ${row.priority}; only P0 jobs may use the critical lane. Resubmit it as P0 first.`,
        );
      }
      if (isTerminal(row.state)) {
        throw new ConflictError(
          'job_finished',
          `Job ${id} already ended as ${row.state}; there is nothing to approve.`,
        );
      }
      const settings = await loadPolicySettings(trx);
      return approveCriticalJob(trx, row, {
        approver: { kind: 'admin', actor },
        maxRuntimeS: criticalMaxRuntimeS(settings),
        at: services.now(),
      });
    });
    services.logger.info({ jobId: id, actor }, 'critical lane approved');
    services.onJobsChanged();
    response.json(toJobView(job));
  });

  router.use(auditAdminRouter(services));
  return router;
}

/** Returns the critical lane's maximum run time from the stored settings, or the default when they are invalid. */
function criticalMaxRuntimeS(stored: StoredPolicySettings): number {
  try {
    return validatePolicyConfig(stored.settings).critical.maxRuntimeS;
  } catch {
    return validatePolicyConfig().critical.maxRuntimeS;
  }
}

import { z } from 'zod';
import { ANY_CREDENTIAL, identityPaths, SECURITY_SCHEMES } from './openapi-identity.js';
import { auditPaths } from '../audit/audit-openapi.js';
import { MAX_ROW_ID } from '../contract/row-id.js';
import { JobSubmissionSchema } from '../contract/job-spec.js';
import {
  PolicySettingsRequestSchema,
  PolicySettingsViewSchema,
  ReservationRequestSchema,
  ReservationViewSchema,
} from '../contract/admin.js';
import {
  ErrorBodySchema,
  JobEventSchema,
  JobListSchema,
  JobViewSchema,
} from '../contract/job-view.js';
import { RecurringRequestSchema, RecurringViewSchema } from '../contract/recurring.js';
import { CellLatencyReportSchema } from '../contract/observations.js';

function schema(zodSchema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(zodSchema, {
    io,
    target: 'openapi-3.0',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete generated['$schema'];
  return generated;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const jobIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1, maximum: MAX_ROW_ID },
};

/** The OpenAPI 3.0 document, generated from the same zod schemas the API validates with. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const jobResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } },
  });

  return {
    openapi: '3.0.3',
    info: { title: 'DOFC scheduler API', version },
    security: ANY_CREDENTIAL,
    paths: {
      '/health': {
        get: {
          summary: 'Report whether the service and its store answer, and whether this replica schedules.',
          security: [],
          responses: {
            '200': {
              description: 'Healthy. `role` is `leader` on the replica that holds the scheduling lock and `follower` on the others, which serve the API only.',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status', 'version'],
                    properties: {
                      status: { type: 'string', enum: ['ok'] },
                      version: { type: 'string' },
                      role: { type: 'string', enum: ['leader', 'follower'] },
                    },
                  },
                },
              },
            },
            '503': errorResponse('The store did not respond'),
          },
        },
      },
      '/jobs': {
        post: {
          summary: 'Submit a job.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', minLength: 1, maxLength: 200 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/JobSubmission' } },
            },
          },
          responses: {
            '201': jobResponse('Created'),
            '200': jobResponse('The job first submitted with this Idempotency-Key'),
            '400': errorResponse('Invalid JobSpec'),
            '413': errorResponse('Body too large'),
            '422': errorResponse('Well formed but cannot be accepted'),
            '429': errorResponse('Over the submission rate limit; Retry-After gives the seconds to wait'),
          },
        },
        get: {
          summary: 'List jobs, newest first.',
          parameters: [
            { name: 'owner', in: 'query', schema: { type: 'string' } },
            { name: 'state', in: 'query', schema: { type: 'string' } },
            { name: 'pool', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
            { name: 'cursor', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_ROW_ID } },
          ],
          responses: {
            '200': {
              description: 'A page of jobs',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/JobList' } } },
            },
            '400': errorResponse('Invalid filter'),
          },
        },
      },
      '/jobs/{id}': {
        get: {
          summary: 'Get one job.',
          parameters: [jobIdParameter],
          responses: {
            '200': jobResponse('The job'),
            '400': errorResponse('Invalid id'),
            '404': errorResponse('No such job'),
          },
        },
      },
      '/jobs/{id}/cancel': {
        post: {
          summary: 'Cancel a job: at once if it waits, by stopping its runner if it runs.',
          parameters: [jobIdParameter],
          responses: {
            '200': jobResponse('Cancelled'),
            '202': jobResponse('The runner is being stopped'),
            '404': errorResponse('No such job'),
            '409': errorResponse('The job already ended'),
          },
        },
      },
      '/jobs/{id}/events': {
        get: {
          summary: "The job's timeline.",
          parameters: [jobIdParameter],
          responses: {
            '200': {
              description: 'Events, oldest first',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      events: { type: 'array', items: { $ref: '#/components/schemas/JobEvent' } },
                    },
                  },
                },
              },
            },
            '404': errorResponse('No such job'),
          },
        },
      },
      '/jobs/{id}/logs': {
        get: {
          summary: "The job's log; with follow=true it streams until the job ends.",
          parameters: [
            jobIdParameter,
            { name: 'follow', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: {
            '200': {
              description: 'Plain text',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            '404': errorResponse('No such job'),
          },
        },
      },
      '/jobs/{id}/output': {
        get: {
          summary: 'The executed notebook of the latest attempt.',
          parameters: [jobIdParameter],
          responses: { '200': { description: 'Notebook JSON' }, '404': errorResponse('No output') },
        },
      },
      ...operationsPaths(),
      ...identityPaths(),
      ...auditPaths(),
    },
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: {
        JobSubmission: schema(JobSubmissionSchema, 'input'),
        Job: schema(JobViewSchema),
        JobList: schema(JobListSchema),
        JobEvent: schema(JobEventSchema),
        Error: schema(ErrorBodySchema),
        Reservation: schema(ReservationViewSchema),
        ReservationRequest: schema(ReservationRequestSchema, 'input'),
        PolicySettings: schema(PolicySettingsViewSchema),
        PolicySettingsRequest: schema(PolicySettingsRequestSchema, 'input'),
        Recurring: schema(RecurringViewSchema),
        RecurringRequest: schema(RecurringRequestSchema, 'input'),
      },
    },
  };
}

const json = (ref: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const anyJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});
const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1, maximum: MAX_ROW_ID },
};

const nullableTime = (description: string) => ({ type: 'string', format: 'date-time', nullable: true, description });

/**
 * The planned-start fields of a pre-flight response. The other fields (ETA, shuffle estimate,
 * flags, label verdict) are listed as additional properties.
 */
const PREFLIGHT_RESPONSE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['planned_start', 'planned_start_reason', 'finish_eta_p50', 'finish_eta_p90'],
  properties: {
    planned_start: nullableTime(
      'When the policy would start the job if it were queued now: the request time when it would start at once, null when it would wait without a promised start.',
    ),
    planned_start_reason: {
      type: 'object',
      required: ['code', 'message'],
      description: "The policy's reason for that start or wait, such as capacity_available, not_before or heavy_user_cap.",
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    finish_eta_p50: nullableTime('planned_start plus eta_p50_s; null when either is null.'),
    finish_eta_p90: nullableTime(
      'planned_start plus eta_p90_s; null when either is null. The analysis stored with a job gives it from the analysis time instead.',
    ),
    finish_eta: nullableTime('When the job would finish at p50 if it started at the request time, ignoring the queue.'),
  },
};

/** Paths of the pre-flight, streaming, observability, admin and recurring routes. */
function operationsPaths(): Record<string, unknown> {
  return {
    '/preflight': {
      post: {
        summary:
          'Analyse a submission without queuing it: ETA, shuffle estimate, risk flags, label verdict, planned start.',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/JobSubmission' } },
          },
        },
        responses: {
          '200': {
            description: 'The analysis, with the start the live policy would plan if the job were queued now',
            content: { 'application/json': { schema: PREFLIGHT_RESPONSE_SCHEMA } },
          },
          '400': errorResponse('Invalid JobSpec'),
          '422': errorResponse('Cannot be accepted'),
          '429': errorResponse('Over the submission rate limit; Retry-After gives the seconds to wait'),
        },
      },
    },
    '/jobs/stream': {
      get: {
        summary: 'Server-Sent Events of job changes, optionally for one owner.',
        parameters: [{ name: 'owner', in: 'query', schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/jobs/{id}/stream': {
      get: {
        summary: "Server-Sent Events of one job's changes.",
        parameters: [idParameter],
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          '404': errorResponse('No such job'),
        },
      },
    },
    '/jobs/{id}/report': {
      get: {
        summary:
          'The post-run report: predicted against actual, waits, core-hours, attempts, cell times, Spark analysis.',
        parameters: [idParameter],
        responses: { '200': anyJson('The report'), '404': errorResponse('No such job') },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics in the text exposition format.',
        security: [],
        responses: {
          '200': {
            description: 'Metrics',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/observations/cell-latency': {
      post: {
        summary: "Report code cell execution times of Light notebooks, the signal that pauses heavy jobs; the owner is the caller.",
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schema(CellLatencyReportSchema, 'input') } },
        },
        responses: { '202': anyJson('Stored'), '400': errorResponse('Invalid sample') },
      },
    },
    '/ops/live': {
      get: {
        summary: 'Pool use against capacity, queues in order, and per-user shares.',
        responses: { '200': anyJson('The live view') },
      },
    },
    '/admin/policy': {
      get: {
        summary: 'The stored policy settings and the settings in effect.',
        responses: { '200': json('PolicySettings', 'Settings') },
      },
      put: {
        summary: 'Store new policy settings as the next version.',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/PolicySettingsRequest' } },
          },
        },
        responses: {
          '200': json('PolicySettings', 'Stored'),
          '400': errorResponse('Invalid setting'),
          '409': errorResponse('Stale expected_version'),
        },
      },
    },
    '/admin/reservations': {
      get: {
        summary: 'Reservations that have not ended.',
        responses: { '200': anyJson('Reservations') },
      },
      post: {
        summary: 'Book Heavy capacity for a team or a user over a window.',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/ReservationRequest' } },
          },
        },
        responses: {
          '201': json('Reservation', 'Created'),
          '400': errorResponse('Invalid reservation'),
          '422': errorResponse('Larger than the cluster'),
        },
      },
    },
    '/admin/reservations/{id}': {
      delete: {
        summary: 'Cancel a reservation.',
        parameters: [idParameter],
        responses: {
          '204': { description: 'Cancelled' },
          '404': errorResponse('No such reservation'),
        },
      },
    },
    '/admin/jobs/{id}/approve-critical': {
      post: {
        summary: 'Approve a P0 job for the critical lane.',
        parameters: [idParameter],
        responses: {
          '200': json('Job', 'Approved'),
          '404': errorResponse('No such job'),
          '409': errorResponse('The job ended'),
          '422': errorResponse('Not P0'),
        },
      },
    },
    '/recurring': {
      get: {
        summary: 'Active recurring submissions.',
        responses: { '200': anyJson('Recurring submissions') },
      },
      post: {
        summary: 'Submit a JobSpec at every tick of a cron schedule in an IANA zone.',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/RecurringRequest' } },
          },
        },
        responses: {
          '201': json('Recurring', 'Created'),
          '400': errorResponse('Invalid schedule or submission'),
          '429': errorResponse('Over the submission rate limit; Retry-After gives the seconds to wait'),
        },
      },
    },
    '/recurring/{id}': {
      delete: {
        summary: 'Stop a recurring submission.',
        parameters: [idParameter],
        responses: { '204': { description: 'Stopped' }, '404': errorResponse('No such schedule') },
      },
    },
  };
}

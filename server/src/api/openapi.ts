import { z } from 'zod';
import { JobSubmissionSchema } from '../contract/job-spec.js';
import { ErrorBodySchema, JobEventSchema, JobListSchema, JobViewSchema } from '../contract/job-view.js';

function schema(zodSchema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(zodSchema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete generated['$schema'];
  return generated;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const jobIdParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/** The OpenAPI 3.0 document, generated from the same zod schemas the API validates with. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const jobResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } },
  });

  return {
    openapi: '3.0.3',
    info: { title: 'DOFC scheduler API', version },
    paths: {
      '/health': {
        get: {
          summary: 'Report whether the service and its store answer.',
          responses: { '200': { description: 'Healthy' }, '503': errorResponse('The store does not answer') },
        },
      },
      '/jobs': {
        post: {
          summary: 'Submit a job.',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 200 } }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/JobSubmission' } } } },
          responses: {
            '201': jobResponse('Created'),
            '200': jobResponse('The job first submitted with this Idempotency-Key'),
            '400': errorResponse('Invalid JobSpec'),
            '413': errorResponse('Body too large'),
            '422': errorResponse('Well formed but cannot be accepted'),
          },
        },
        get: {
          summary: 'List jobs, newest first.',
          parameters: [
            { name: 'owner', in: 'query', schema: { type: 'string' } },
            { name: 'state', in: 'query', schema: { type: 'string' } },
            { name: 'pool', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
            { name: 'cursor', in: 'query', schema: { type: 'integer', minimum: 1 } },
          ],
          responses: {
            '200': { description: 'A page of jobs', content: { 'application/json': { schema: { $ref: '#/components/schemas/JobList' } } } },
            '400': errorResponse('Invalid filter'),
          },
        },
      },
      '/jobs/{id}': {
        get: {
          summary: 'Get one job.',
          parameters: [jobIdParameter],
          responses: { '200': jobResponse('The job'), '400': errorResponse('Invalid id'), '404': errorResponse('No such job') },
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
              content: { 'application/json': { schema: { type: 'object', properties: { events: { type: 'array', items: { $ref: '#/components/schemas/JobEvent' } } } } } },
            },
            '404': errorResponse('No such job'),
          },
        },
      },
      '/jobs/{id}/logs': {
        get: {
          summary: "The job's log; with follow=true it streams until the job ends.",
          parameters: [jobIdParameter, { name: 'follow', in: 'query', schema: { type: 'boolean' } }],
          responses: { '200': { description: 'Plain text', content: { 'text/plain': { schema: { type: 'string' } } } }, '404': errorResponse('No such job') },
        },
      },
      '/jobs/{id}/output': {
        get: {
          summary: 'The executed notebook of the latest attempt.',
          parameters: [jobIdParameter],
          responses: { '200': { description: 'Notebook JSON' }, '404': errorResponse('No output') },
        },
      },
    },
    components: {
      schemas: {
        JobSubmission: schema(JobSubmissionSchema, 'input'),
        Job: schema(JobViewSchema),
        JobList: schema(JobListSchema),
        JobEvent: schema(JobEventSchema),
        Error: schema(ErrorBodySchema),
      },
    },
  };
}

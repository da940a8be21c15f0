import { z } from 'zod';
import { AUDIT_ACTIONS } from './audit-log.js';
import { MAX_AUDIT_PAGE, MAX_EXPORT_ROWS } from './audit-query.js';
import { CriticalGrantRequestSchema, CriticalGrantViewSchema } from './critical-grants.js';

function schema(zodSchema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(zodSchema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete generated['$schema'];
  return generated;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const AUDIT_ENTRY = {
  type: 'object',
  required: ['id', 'at', 'actor', 'action', 'target', 'before', 'after', 'reason'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    actor: { type: 'string' },
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    target: { type: 'string' },
    before: { nullable: true },
    after: { nullable: true },
    reason: { type: 'string', nullable: true },
  },
};

/** Describe the OpenAPI paths of the audit log and of critical-lane grants, all admin only. */
export function auditPaths(): Record<string, unknown> {
  return {
    '/admin/audit': {
      get: {
        summary: 'Audit entries of privileged acts, newest first; format=csv exports them.',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_EXPORT_ROWS }, description: `Entries per page: at most ${MAX_AUDIT_PAGE} as JSON (default 100), ${MAX_EXPORT_ROWS} as CSV.` },
          { name: 'before_id', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'Only entries with a smaller id: the next page.' },
          { name: 'actor', in: 'query', schema: { type: 'string' } },
          { name: 'action', in: 'query', schema: { type: 'string', enum: [...AUDIT_ACTIONS] } },
          { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'until', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'] } },
        ],
        responses: {
          '200': {
            description: 'A page of entries',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: AUDIT_ENTRY } } },
              },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          '400': errorResponse('Invalid filter'),
        },
      },
    },
    '/admin/critical-grants': {
      get: {
        summary: 'Emergency critical-lane grants that have not expired.',
        responses: {
          '200': {
            description: 'Grants',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['grants'], properties: { grants: { type: 'array', items: schema(CriticalGrantViewSchema, 'output') } } },
              },
            },
          },
        },
      },
      post: {
        summary: "Pre-approve a user's P0 jobs for the critical lane until expires_at, each time-boxed to max_runtime_s.",
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schema(CriticalGrantRequestSchema, 'input') } },
        },
        responses: {
          '201': { description: 'Created', content: { 'application/json': { schema: schema(CriticalGrantViewSchema, 'output') } } },
          '400': errorResponse('Invalid grant'),
        },
      },
    },
  };
}

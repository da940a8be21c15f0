import { z } from 'zod';
import { TokenRequestSchema } from './routes/me.js';
import { UserChangeSchema } from './routes/users.js';

function inputSchema(zodSchema: z.ZodType): Record<string, unknown> {
  const generated = z.toJSONSchema(zodSchema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete generated['$schema'];
  return generated;
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const object = (description: string, properties: Record<string, unknown>) => ({
  description,
  content: { 'application/json': { schema: { type: 'object', properties } } },
});

const identityProperties = {
  user: { type: 'string' },
  role: { type: 'string', enum: ['user', 'team_lead', 'admin'] },
  team: { type: 'string', nullable: true },
};
const tokenProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  created_at: { type: 'string', format: 'date-time' },
  last_used_at: { type: 'string', format: 'date-time', nullable: true },
  expires_at: { type: 'string', format: 'date-time', nullable: true },
};
const nameParameter = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/**
 * The credentials the API accepts. Every operation needs one of them except those that set
 * `security: []` (/health, /openapi.json and /metrics).
 */
export const SECURITY_SCHEMES = {
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'A personal API token (dofc_...), created with POST /me/tokens or "dofc token create".',
  },
  jupyterHubToken: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'A JupyterHub token as "token <value>", checked against the hub when DOFC_JUPYTERHUB_API_URL is set.',
  },
  signedAssertion: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Dofc-Signature',
    description:
      'Sent by the Jupyter proxy with X-Dofc-User and X-Dofc-Timestamp: the hex HMAC-SHA256, keyed with the shared secret, of "user\\ntimestamp\\nMETHOD\\npath?query".',
  },
};

export const ANY_CREDENTIAL = [{ apiToken: [] }, { jupyterHubToken: [] }, { signedAssertion: [] }];

/** Paths of the caller's identity and tokens, and of the admin's user management. */
export function identityPaths(): Record<string, unknown> {
  return {
    '/me': {
      get: {
        summary: 'The authenticated caller: user name, role and team.',
        responses: { '200': object('The caller', identityProperties), '401': error('No valid credential') },
      },
    },
    '/me/tokens': {
      get: {
        summary: "The caller's personal API tokens, without their secrets.",
        responses: { '200': object('Tokens', { tokens: { type: 'array', items: { type: 'object', properties: tokenProperties } } }) },
      },
      post: {
        summary: 'Create a personal API token; the response is the only time the token is shown.',
        requestBody: { required: true, content: { 'application/json': { schema: inputSchema(TokenRequestSchema) } } },
        responses: {
          '201': object('Created', { ...tokenProperties, token: { type: 'string' } }),
          '400': error('Invalid name or expiry'),
        },
      },
    },
    '/me/tokens/{id}': {
      delete: {
        summary: 'Revoke one of the caller’s tokens.',
        parameters: [idParameter],
        responses: { '204': { description: 'Revoked' }, '404': error('The caller has no such token') },
      },
    },
    '/admin/users': {
      get: {
        summary: 'Every known user with role and team.',
        responses: { '200': object('Users', { users: { type: 'array', items: { type: 'object', properties: identityProperties } } }) },
      },
    },
    '/admin/users/{name}': {
      get: {
        summary: "A user's role and team.",
        parameters: [nameParameter],
        responses: { '200': object('The user', identityProperties), '404': error('No such user') },
      },
      put: {
        summary: "Set a user's role, team or both, creating the user if needed.",
        parameters: [nameParameter],
        requestBody: { required: true, content: { 'application/json': { schema: inputSchema(UserChangeSchema) } } },
        responses: { '200': object('Stored', identityProperties), '400': error('Invalid role or team') },
      },
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ACCESS } from '../../src/auth/access-rules.js';
import type { JobView } from '../../src/contract/job-view.js';
import { apiFetch, inlineNotebookJob, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

/** The callers of every cell; the names are the test service's users (see test/support/test-auth.ts). */
const ACTORS = {
  anonymous: null,
  owner: 'ana',
  teammate: 'ben',
  team_lead: 'lea',
  other_team: 'zoe',
  admin: 'admin',
} as const;
type Actor = keyof typeof ACTORS;
type Expected = Record<Actor, number>;

// A start far in the future keeps a job queued, so it never runs during the test.
const LATER = '2099-01-01T00:00:00Z';
const RESERVATION_WINDOW = { starts_at: '2099-01-01T19:00:00Z', ends_at: '2099-01-01T23:00:00Z' };

/** Every authenticated caller gets `status`. */
const anyUser = (status: number): Expected => ({ anonymous: 401, owner: status, teammate: status, team_lead: status, other_team: status, admin: status });
/** The owner of the job (ana), the lead of its team and admins get `status`. */
const jobRule = (status: number): Expected => ({ anonymous: 401, owner: status, teammate: 403, team_lead: status, other_team: 403, admin: status });
/** A body that names ana as owner: only ana and admins may send it. */
const ownerOrAdmin = (status: number): Expected => ({ anonymous: 401, owner: status, teammate: 403, team_lead: 403, other_team: 403, admin: status });
const adminOnly = (status: number): Expected => ({ anonymous: 401, owner: 403, teammate: 403, team_lead: 403, other_team: 403, admin: status });
const open = (status: number): Expected => ({ anonymous: status, owner: status, teammate: status, team_lead: status, other_team: status, admin: status });

interface Fixtures {
  url: string;
  /** A queued job of ana (team data) that no cell changes. */
  sharedJob: number;
  newJob(extra?: Record<string, unknown>): Promise<number>;
  newRecurring(): Promise<number>;
  newReservation(): Promise<number>;
  newToken(): Promise<number>;
}

interface MatrixRow {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  expected: Expected;
  /** Builds the route and request; runs once per cell, so a cell that changes state gets fresh fixtures. */
  request(fixtures: Fixtures): Promise<{ route: string; init?: RequestInit }>;
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const script = { kind: 'script', content: 'print(1)' };

const MATRIX: MatrixRow[] = [
  { method: 'GET', path: '/health', expected: open(200), request: async () => ({ route: '/health' }) },
  { method: 'GET', path: '/metrics', expected: open(200), request: async () => ({ route: '/metrics' }) },
  { method: 'GET', path: '/me', expected: anyUser(200), request: async () => ({ route: '/me' }) },
  { method: 'GET', path: '/me/tokens', expected: anyUser(200), request: async () => ({ route: '/me/tokens' }) },
  { method: 'POST', path: '/me/tokens', expected: anyUser(201), request: async () => ({ route: '/me/tokens', init: json('POST', { name: 'matrix' }) }) },
  {
    method: 'DELETE',
    path: '/me/tokens/{id}',
    // Tokens are per caller: another caller's token id is as unknown as a missing one, even to an admin.
    expected: { anonymous: 401, owner: 204, teammate: 404, team_lead: 404, other_team: 404, admin: 404 },
    request: async (f) => ({ route: `/me/tokens/${await f.newToken()}`, init: { method: 'DELETE' } }),
  },
  {
    method: 'POST',
    path: '/jobs',
    expected: ownerOrAdmin(201),
    request: async () => ({ route: '/jobs', init: json('POST', { owner: 'ana', source: script, not_before: LATER }) }),
  },
  { method: 'GET', path: '/jobs', expected: { ...anyUser(200), teammate: 403, other_team: 403 }, request: async () => ({ route: '/jobs?owner=ana' }) },
  { method: 'GET', path: '/jobs/stream', expected: { ...anyUser(200), teammate: 403, other_team: 403 }, request: async () => ({ route: '/jobs/stream?owner=ana' }) },
  { method: 'GET', path: '/jobs/{id}', expected: jobRule(200), request: async (f) => ({ route: `/jobs/${f.sharedJob}` }) },
  { method: 'POST', path: '/jobs/{id}/cancel', expected: jobRule(200), request: async (f) => ({ route: `/jobs/${await f.newJob()}/cancel`, init: { method: 'POST' } }) },
  { method: 'GET', path: '/jobs/{id}/events', expected: jobRule(200), request: async (f) => ({ route: `/jobs/${f.sharedJob}/events` }) },
  { method: 'GET', path: '/jobs/{id}/logs', expected: jobRule(200), request: async (f) => ({ route: `/jobs/${f.sharedJob}/logs` }) },
  // A queued job has not run, so those allowed to read its output learn that it has none.
  { method: 'GET', path: '/jobs/{id}/output', expected: jobRule(404), request: async (f) => ({ route: `/jobs/${f.sharedJob}/output` }) },
  { method: 'GET', path: '/jobs/{id}/report', expected: jobRule(200), request: async (f) => ({ route: `/jobs/${f.sharedJob}/report` }) },
  { method: 'GET', path: '/jobs/{id}/stream', expected: jobRule(200), request: async (f) => ({ route: `/jobs/${f.sharedJob}/stream` }) },
  { method: 'POST', path: '/preflight', expected: ownerOrAdmin(200), request: async () => ({ route: '/preflight?samples=off', init: json('POST', { owner: 'ana', source: script }) }) },
  {
    method: 'POST',
    path: '/observations/cell-latency',
    expected: anyUser(202),
    request: async () => ({ route: '/observations/cell-latency', init: json('POST', { samples: [{ notebook: 'a.ipynb', duration_ms: 120, at: new Date().toISOString() }] }) }),
  },
  { method: 'GET', path: '/ops/live', expected: anyUser(200), request: async () => ({ route: '/ops/live' }) },
  { method: 'GET', path: '/recurring', expected: anyUser(200), request: async () => ({ route: '/recurring' }) },
  {
    method: 'POST',
    path: '/recurring',
    expected: ownerOrAdmin(201),
    request: async () => ({ route: '/recurring', init: json('POST', { cron: '0 3 * * *', submission: { owner: 'ana', source: script } }) }),
  },
  { method: 'DELETE', path: '/recurring/{id}', expected: jobRule(204), request: async (f) => ({ route: `/recurring/${await f.newRecurring()}`, init: { method: 'DELETE' } }) },
  { method: 'GET', path: '/admin/policy', expected: adminOnly(200), request: async () => ({ route: '/admin/policy' }) },
  { method: 'PUT', path: '/admin/policy', expected: adminOnly(200), request: async () => ({ route: '/admin/policy', init: json('PUT', { settings: {} }) }) },
  { method: 'GET', path: '/admin/reservations', expected: adminOnly(200), request: async () => ({ route: '/admin/reservations' }) },
  {
    method: 'POST',
    path: '/admin/reservations',
    expected: adminOnly(201),
    request: async () => ({ route: '/admin/reservations', init: json('POST', { team: 'data', cores: 1, mem_gb: 1, ...RESERVATION_WINDOW }) }),
  },
  { method: 'DELETE', path: '/admin/reservations/{id}', expected: adminOnly(204), request: async (f) => ({ route: `/admin/reservations/${await f.newReservation()}`, init: { method: 'DELETE' } }) },
  {
    method: 'POST',
    path: '/admin/jobs/{id}/approve-critical',
    expected: adminOnly(200),
    request: async (f) => ({ route: `/admin/jobs/${await f.newJob({ priority: 'P0' })}/approve-critical`, init: { method: 'POST' } }),
  },
  { method: 'GET', path: '/admin/users', expected: adminOnly(200), request: async () => ({ route: '/admin/users' }) },
  { method: 'GET', path: '/admin/users/{name}', expected: adminOnly(200), request: async () => ({ route: '/admin/users/ana' }) },
  // A user of its own, so that granting a role in one cell changes no caller of another.
  { method: 'PUT', path: '/admin/users/{name}', expected: adminOnly(200), request: async () => ({ route: '/admin/users/matrix-target', init: json('PUT', { role: 'team_lead', team: 'data' }) }) },
  { method: 'GET', path: '/admin/audit', expected: adminOnly(200), request: async () => ({ route: '/admin/audit' }) },
  { method: 'GET', path: '/admin/critical-grants', expected: adminOnly(200), request: async () => ({ route: '/admin/critical-grants' }) },
  {
    method: 'POST',
    path: '/admin/critical-grants',
    expected: adminOnly(201),
    request: async () => ({
      route: '/admin/critical-grants',
      init: json('POST', { user: 'ana', expires_at: '2099-01-01T00:00:00Z', max_runtime_s: 600, reason: 'authorization matrix' }),
    }),
  },
];

interface Operation {
  method: string;
  path: string;
}

async function documentedOperations(url: string): Promise<Operation[]> {
  const document = (await (await apiFetch(url, '/openapi.json', {}, null)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })));
}

const key = (operation: Operation) => `${operation.method} ${operation.path}`;

describe(`authorization matrix on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let fixtures: Fixtures;
  let documented: Set<string>;

  beforeAll(async () => {
    service = await startTestService();
    const url = service.url;
    const created = async (route: string, body: unknown, user: string): Promise<number> => {
      const response = await postJson(url, route, body, {}, user);
      const text = await response.text();
      if (response.status !== 201) throw new Error(`fixture POST ${route} returned ${response.status}: ${text}`);
      const parsed = JSON.parse(text) as { job_id?: number; id?: number };
      return (parsed.job_id ?? parsed.id) as number;
    };
    fixtures = {
      url,
      sharedJob: 0,
      newJob: (extra = {}) => created('/jobs', inlineNotebookJob(['1'], { not_before: LATER, ...extra }), 'ana'),
      newRecurring: () => created('/recurring', { cron: '0 3 * * *', submission: { owner: 'ana', source: script } }, 'ana'),
      newReservation: () => created('/admin/reservations', { team: 'data', cores: 1, mem_gb: 1, ...RESERVATION_WINDOW }, 'admin'),
      newToken: () => created('/me/tokens', { name: 'to revoke' }, 'ana'),
    };
    fixtures.sharedJob = await fixtures.newJob();
    documented = new Set((await documentedOperations(url)).map(key));
  });
  afterAll(async () => {
    await service?.stopAndDrop();
  });

  it('access table covers every documented operation', () => {
    const ruled = new Set(ROUTE_ACCESS.map(key));
    const missing = [...documented].filter((operation) => !ruled.has(operation));
    expect(missing, 'add a row to ROUTE_ACCESS in server/src/auth/access-rules.ts').toEqual([]);
  });

  it('matrix covers every documented operation', () => {
    const tested = new Set(MATRIX.map(key));
    const missing = [...documented].filter((operation) => !tested.has(operation));
    expect(missing, 'add a row to MATRIX in this file').toEqual([]);
  });

  it('only health, openapi.json and metrics are public', () => {
    const open = ROUTE_ACCESS.filter((access) => access.rule === 'public').map(key);
    expect(open.sort()).toEqual(['GET /health', 'GET /metrics', 'GET /openapi.json']);
  });

  const cells = MATRIX.flatMap((row) => (Object.keys(ACTORS) as Actor[]).map((actor) => ({ row, actor, name: `${key(row)} as ${actor}` })));

  it.each(cells)('$name', async ({ row, actor }) => {
    if (!documented.has(key(row))) {
      // NOTE: rows for routes another part of the service adds later pass until /openapi.json lists them.
      return;
    }
    const { route, init } = await row.request(fixtures);
    const response = await apiFetch(fixtures.url, route, init, ACTORS[actor]);
    const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
    const body = streaming ? '(event stream)' : await response.text();
    if (streaming) await response.body?.cancel();
    expect(response.status, `${row.method} ${route} as ${actor}: ${body.slice(0, 300)}`).toBe(row.expected[actor]);
  });
});

describe(`authorization details on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  let anaJob: JobView;
  let zoeJob: JobView;

  beforeAll(async () => {
    service = await startTestService();
    anaJob = (await (await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { not_before: LATER }), {}, 'ana')).json()) as JobView;
    zoeJob = (await (await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { owner: 'zoe', not_before: LATER }), {}, 'zoe')).json()) as JobView;
  });
  afterAll(async () => {
    await service?.stopAndDrop();
  });

  async function listedIds(user: string): Promise<number[]> {
    const { jobs } = (await (await apiFetch(service.url, '/jobs', {}, user)).json()) as { jobs: JobView[] };
    return jobs.map((job) => job.job_id).sort();
  }

  it.each([
    ['owner', 'ana', 'anaOnly'],
    ['teammate', 'ben', 'none'],
    ['team lead', 'lea', 'anaOnly'],
    ['other team', 'zoe', 'zoeOnly'],
    ['admin', 'admin', 'both'],
  ])('job list of %s shows only visible jobs', async (_case, user, visible) => {
    const expected = { anaOnly: [anaJob.job_id], zoeOnly: [zoeJob.job_id], none: [], both: [anaJob.job_id, zoeJob.job_id].sort() }[visible];
    expect(await listedIds(user)).toEqual(expected);
  });

  it('job owner and team come from the caller', () => {
    expect(anaJob.owner).toBe('ana');
    expect(anaJob.team).toBe('data');
    expect(zoeJob.team).toBe('ml');
  });

  it('submission without owner gets the caller', async () => {
    const body = inlineNotebookJob(['1'], { not_before: LATER });
    delete body['owner'];
    const job = (await (await postJson(service.url, '/jobs', body, {}, 'ben')).json()) as JobView;
    expect(job.owner).toBe('ben');
    expect(job.team).toBe('data');
  });

  it('submission for another owner names the rule', async () => {
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { owner: 'zoe' }), {}, 'ana');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/owner "zoe" is not you \(ana\); only the role admin/);
  });

  it('admin submission for another owner gets their team', async () => {
    const response = await postJson(service.url, '/jobs', inlineNotebookJob(['1'], { owner: 'zoe', not_before: LATER }), {}, 'admin');
    expect(response.status).toBe(201);
    expect(((await response.json()) as JobView).team).toBe('ml');
  });

  it('forbidden admin route names the missing role', async () => {
    const response = await apiFetch(service.url, '/admin/policy', {}, 'lea');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/needs the role admin; you are lea with role team_lead/);
  });

  it("forbidden job names its owner and the roles that may act", async () => {
    const response = await apiFetch(service.url, `/jobs/${anaJob.job_id}`, {}, 'zoe');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/belongs to ana of team data; only its owner, a team_lead of team data or an admin/);
  });

  it('unknown route is a 404 for users', async () => {
    const response = await apiFetch(service.url, '/admin/nothing-here', {}, 'ana');
    expect(response.status).toBe(404);
  });

  it('role change applies to the next request', async () => {
    const before = await apiFetch(service.url, `/jobs/${anaJob.job_id}`, {}, 'ben');
    expect(before.status).toBe(403);
    const granted = await apiFetch(service.url, '/admin/users/ben', json('PUT', { role: 'team_lead' }), 'admin');
    expect(granted.status).toBe(200);
    const after = await apiFetch(service.url, `/jobs/${anaJob.job_id}`, {}, 'ben');
    expect(after.status).toBe(200);
    expect(await (await apiFetch(service.url, '/me', {}, 'ben')).json()).toEqual({ user: 'ben', role: 'team_lead', team: 'data' });
  });
});

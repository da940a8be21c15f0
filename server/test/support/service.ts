import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceConfig } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { loadSparkWarmSettings } from '../../src/executors/spark/spark-warm-settings.js';
import { createLogger } from '../../src/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import type { JobView } from '../../src/contract/job-view.js';
import { createTestStore, type TestStore } from './test-store.js';
import { signedAssertionHeaders } from '../../src/auth/signed-assertion.js';
import { TEST_AUTH_SETTINGS, TEST_SECRET } from './test-auth.js';

export interface TestService extends RunningService {
  config: ServiceConfig;
  store: TestStore;
  stopAndDrop(): Promise<void>;
}

/** Start the real service on a free loopback port with a fresh store and data folder. */
export async function startTestService(overrides: Partial<ServiceConfig> = {}): Promise<TestService> {
  const store = await createTestStore();
  // A dot folder, like the default ./.dofc, so that serving files from it is exercised.
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dofc-test-data-')), '.dofc');
  const config: ServiceConfig = {
    ...loadConfig({}, { dataDir, port: 0 }),
    store: store.location,
    tickMs: 200,
    killGraceS: 2,
    // Two idle kernels per test service would compete with the suite for its two cores; the warm
    // kernel tests turn the pool on themselves.
    warmKernels: { size: 0, preload: [] },
    // Each warm Spark driver runs a JVM and a kernel; the warm Spark tests turn the pool on themselves.
    sparkWarm: { ...loadSparkWarmSettings({}), drivers: 0 },
    auth: TEST_AUTH_SETTINGS,
    ...overrides,
  };
  const service = await startService(config, createLogger(process.env['DOFC_TEST_LOG_LEVEL'] ?? 'silent'));
  return {
    ...service,
    config,
    store,
    async stopAndDrop() {
      await service.close();
      await store.drop();
    },
  };
}

/** The user a test request acts as unless it names another. */
export const DEFAULT_TEST_USER = 'ana';

/**
 * A request to the test service made as `user`, signed the way the Jupyter proxy signs it; `null`
 * sends no credential. Every test reaches the API through this function (or the helpers below),
 * so that credentials are added in one place.
 */
export async function apiFetch(base: string, route: string, init: RequestInit = {}, user: string | null = DEFAULT_TEST_USER): Promise<Response> {
  const url = new URL(`${base}${route}`);
  const headers = new Headers(init.headers);
  if (user !== null) {
    // The signature covers the path as it goes on the wire, so it is taken from the parsed URL.
    const signed = signedAssertionHeaders(TEST_SECRET, user, init.method ?? 'GET', `${url.pathname}${url.search}`, Date.now());
    for (const [name, value] of Object.entries(signed)) headers.set(name, value);
  }
  return fetch(url, { ...init, headers });
}

export async function postJson(base: string, route: string, body: unknown, headers: Record<string, string> = {}, user: string | null = DEFAULT_TEST_USER): Promise<Response> {
  return apiFetch(
    base,
    route,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    user,
  );
}

export async function getJob(base: string, id: number, user: string | null = DEFAULT_TEST_USER): Promise<JobView> {
  const response = await apiFetch(base, `/jobs/${id}`, {}, user);
  if (!response.ok) throw new Error(`GET /jobs/${id} returned ${response.status}: ${await response.text()}`);
  return (await response.json()) as JobView;
}

/** Creates a personal API token for `user`, for a `dofc` CLI process to send as DOFC_TOKEN. */
export async function createApiToken(base: string, user: string = DEFAULT_TEST_USER): Promise<string> {
  const response = await postJson(base, '/me/tokens', { name: 'test CLI' }, {}, user);
  if (response.status !== 201) throw new Error(`POST /me/tokens as ${user} returned ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

const FINAL_STATES = new Set(['succeeded', 'failed', 'cancelled']);

/** Poll a job until it reaches one of `states` (a final state by default) or the time runs out. */
export async function waitForState(
  base: string,
  id: number,
  states: ReadonlySet<string> = FINAL_STATES,
  timeoutMs = 90_000,
  user: string = DEFAULT_TEST_USER,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(base, id, user);
    if (states.has(job.state)) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${id} is still ${job.state} after ${timeoutMs} ms (waiting for ${[...states].join(', ')})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A JobSpec submission for an inline notebook built from code cells. */
export function inlineNotebookJob(cells: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((source, index) => ({
      id: `cell-${index}`,
      cell_type: 'code',
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  };
  return { owner: 'ana', source: { kind: 'notebook', content: JSON.stringify(notebook) }, ...extra };
}

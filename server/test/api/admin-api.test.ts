import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/contract/job-view.js';
import {
  apiFetch,
  inlineNotebookJob,
  postJson,
  startTestService,
  waitForState,
  type TestService,
} from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

/** Every request of this file acts as an admin, who may change settings and submit for any owner. */
const ADMIN = 'admin';

async function putJson(base: string, route: string, body: unknown): Promise<Response> {
  return apiFetch(base, route, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, ADMIN);
}

async function postAsAdmin(base: string, route: string, body: unknown): Promise<Response> {
  return postJson(base, route, body, {}, ADMIN);
}

async function fetchAsAdmin(base: string, route: string, init: RequestInit = {}): Promise<Response> {
  return apiFetch(base, route, init, ADMIN);
}

describe(`admin API on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 8, memGb: 32 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  describe('policy settings', () => {
    it('starts at version 0 with the defaults in effect', async () => {
      const view = (await (await fetchAsAdmin(service.url, `/admin/policy`)).json()) as {
        version: number;
        effective: { floor: { businessShare: number } };
      };
      expect(view.version).toBe(0);
      expect(view.effective.floor.businessShare).toBe(0.3);
    });

    it('rejects a floor outside 25 to 35 percent naming the setting', async () => {
      const response = await putJson(service.url, '/admin/policy', {
        settings: { floor: { businessShare: 0.5 } },
      });
      expect(response.status).toBe(400);
      const error = (await response.json()) as { field: string; message: string };
      expect(error.field).toBe('settings.floor.businessShare');
      expect(error.message).toMatch(/0\.5.*from 0\.25 to 0\.35/);
    });

    it('rejects a misspelt setting', async () => {
      const response = await putJson(service.url, '/admin/policy', { settings: { flor: {} } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe('settings.flor');
    });

    it('stores a change as the next version and rejects a stale edit', async () => {
      const saved = await putJson(service.url, '/admin/policy', {
        settings: { timeZone: 'Europe/Stockholm' },
        expected_version: 0,
      });
      expect(saved.status).toBe(200);
      expect(await saved.json()).toMatchObject({
        version: 1,
        updated_by: 'admin',
        settings: { timeZone: 'Europe/Stockholm' },
      });

      const stale = await putJson(service.url, '/admin/policy', {
        settings: { timeZone: 'UTC' },
        expected_version: 0,
      });
      expect(stale.status).toBe(409);
    });
  });

  describe('reservations', () => {
    const window = { starts_at: '2099-01-01T19:00:00Z', ends_at: '2099-01-01T23:00:00Z' };

    it('creates, lists and cancels a reservation', async () => {
      const created = await postAsAdmin(service.url, '/admin/reservations', {
        team: 'risk',
        cores: 4,
        mem_gb: 8,
        ...window,
      });
      expect(created.status).toBe(201);
      const reservation = (await created.json()) as { id: number };

      const listed = (await (await fetchAsAdmin(service.url, `/admin/reservations`)).json()) as {
        reservations: Array<{ id: number; team: string }>;
      };
      expect(listed.reservations).toContainEqual(
        expect.objectContaining({ id: reservation.id, team: 'risk' }),
      );

      expect(
        (await fetchAsAdmin(service.url, `/admin/reservations/${reservation.id}`, { method: 'DELETE' }))
          .status,
      ).toBe(204);
      expect(
        (await fetchAsAdmin(service.url, `/admin/reservations/${reservation.id}`, { method: 'DELETE' }))
          .status,
      ).toBe(404);
    });

    it.each([
      ['both a team and an owner', { team: 'risk', owner: 'ana', cores: 1, mem_gb: 1 }, 'team'],
      [
        'an end before its start',
        {
          team: 'risk',
          cores: 1,
          mem_gb: 1,
          starts_at: '2099-01-02T00:00:00Z',
          ends_at: '2099-01-01T00:00:00Z',
        },
        'ends_at',
      ],
      ['no cores', { team: 'risk', cores: 0, mem_gb: 1 }, 'cores'],
    ])('rejects %s with 400', async (_case, body, field) => {
      const response = await postAsAdmin(service.url, '/admin/reservations', { ...window, ...body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    });

    it('rejects a reservation larger than the cluster with 422', async () => {
      const response = await postAsAdmin(service.url, '/admin/reservations', {
        team: 'risk',
        cores: 64,
        mem_gb: 8,
        ...window,
      });
      expect(response.status).toBe(422);
    });
  });

  describe('executor ceilings', () => {
    const later = { not_before: '2099-01-01T00:00:00Z', label: 'H' };

    it("admits a job over its owner's ceiling with the executors that fit", async () => {
      const saved = await putJson(service.url, '/admin/policy', {
        settings: {
          heavy: {
            executorCeilings: {
              users: { cleo: { cores: 4, memGb: 16 } },
              teams: { risk: { cores: 2, memGb: 64 } },
            },
          },
        },
      });
      expect(saved.status).toBe(200);

      const body = inlineNotebookJob(['1'], {
        ...later,
        owner: 'cleo',
        team: 'risk',
        max_executors: 6,
        cores_per_executor: 1,
        mem_per_executor_gb: 2,
      });
      const job = (await (await postAsAdmin(service.url, '/jobs', body)).json()) as JobView;
      expect(job.spec).toMatchObject({ max_executors: 4 });

      const { events } = (await (
        await fetchAsAdmin(service.url, `/jobs/${job.job_id}/events`)
      ).json()) as { events: Array<{ message: string }> };
      expect(events[0]?.message).toMatch(/Asked for 6 executors; 4 fit under the ceiling/);
    });

    it('applies the team ceiling to a user without one of their own', async () => {
      const body = inlineNotebookJob(['1'], {
        ...later,
        owner: 'dan',
        team: 'risk',
        max_executors: 5,
      });
      const job = (await (await postAsAdmin(service.url, '/jobs', body)).json()) as JobView;
      expect(job.spec).toMatchObject({ max_executors: 2 });
    });

    it('rejects a job whose one executor is over the ceiling with 422', async () => {
      const body = inlineNotebookJob(['1'], {
        ...later,
        owner: 'dan',
        team: 'risk',
        cores_per_executor: 3,
      });
      const response = await postAsAdmin(service.url, '/jobs', body);
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: string }).error).toBe('executor_over_ceiling');
    });

    it('rejects a ceiling of zero cores naming the setting', async () => {
      const response = await putJson(service.url, '/admin/policy', {
        settings: { heavy: { executorCeilings: { users: { cleo: { cores: 0, memGb: 1 } } } } },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(
        'settings.heavy.executorCeilings.users.cleo.cores',
      );
    });
  });

  it('holds a second heavy job of the same user while the first runs', async () => {
    const sleeper = ['import time; time.sleep(4)'];
    const first = (await (
      await postAsAdmin(service.url, '/jobs', inlineNotebookJob(sleeper, { owner: 'bo', label: 'H' }))
    ).json()) as JobView;
    const second = (await (
      await postAsAdmin(service.url, '/jobs', inlineNotebookJob(sleeper, { owner: 'bo', label: 'H' }))
    ).json()) as JobView;

    await waitForState(service.url, first.job_id, new Set(['running']), undefined, ADMIN);
    const waiting = await waitForState(service.url, second.job_id, new Set(['queued']), undefined, ADMIN);
    // The queued state's first reason comes from pre-flight; wait for the policy's own.
    let reasonCode = waiting.reason?.code;
    for (let i = 0; i < 50 && reasonCode !== 'heavy_user_cap'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      reasonCode = ((await (await fetchAsAdmin(service.url, `/jobs/${second.job_id}`)).json()) as JobView)
        .reason?.code;
    }
    expect(reasonCode).toBe('heavy_user_cap');

    expect((await waitForState(service.url, first.job_id, undefined, undefined, ADMIN)).state).toBe('succeeded');
    expect((await waitForState(service.url, second.job_id, undefined, undefined, ADMIN)).state).toBe('succeeded');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-log.js';
import { recordAudit } from '../../src/audit/audit-log.js';
import { apiFetch, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

describe(`GET /admin/audit on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
    await service.db.transaction(async (trx) => {
      const base = Date.parse('2026-03-01T00:00:00Z');
      for (let i = 0; i < 6; i++) {
        await recordAudit(trx, {
          at: new Date(base + i * 86400_000),
          actor: i % 2 === 0 ? 'admin' : 'lea',
          action: i % 3 === 0 ? 'reservation.create' : 'policy.update',
          target: `reservation:${i}`,
          before: null,
          after: { note: `day ${i}, "quoted"` },
          reason: i === 5 ? '=HYPERLINK("http://example.invalid")' : null,
        });
      }
    });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  async function entries(query: string): Promise<AuditEntry[]> {
    const response = await apiFetch(service.url, `/admin/audit${query}`, {}, 'admin');
    expect(response.status).toBe(200);
    return ((await response.json()) as { entries: AuditEntry[] }).entries;
  }

  it('returns entries newest first', async () => {
    const all = await entries('');
    expect(all.map((entry) => entry.target)).toEqual([5, 4, 3, 2, 1, 0].map((i) => `reservation:${i}`));
  });

  it('pages with limit and before_id', async () => {
    const first = await entries('?limit=4');
    expect(first).toHaveLength(4);
    const next = await entries(`?limit=4&before_id=${first[3]?.id}`);
    expect(next.map((entry) => entry.target)).toEqual(['reservation:1', 'reservation:0']);
  });

  it.each([
    ['actor', '?actor=lea', ['reservation:5', 'reservation:3', 'reservation:1']],
    ['action', '?action=reservation.create', ['reservation:3', 'reservation:0']],
    ['time window', '?since=2026-03-02T00:00:00Z&until=2026-03-04T00:00:00Z', ['reservation:2', 'reservation:1']],
    ['actor and action', '?actor=admin&action=policy.update', ['reservation:4', 'reservation:2']],
  ])('filters by %s', async (_case, query, targets) => {
    expect((await entries(query)).map((entry) => entry.target)).toEqual(targets);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['before_id=abc', 'before_id'],
    ['action=drop.table', 'action'],
    ['since=yesterday', 'since'],
    ['format=xml', 'format'],
    ['actor=a&actor=b', 'actor'],
  ])('rejects %s naming the parameter', async (query, field) => {
    const response = await apiFetch(service.url, `/admin/audit?${query}`, {}, 'admin');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe(field);
  });

  it.each([
    ['the JSON log', '/admin/audit'],
    ['the CSV export', '/admin/audit?format=csv'],
    ['the grant list', '/admin/critical-grants'],
  ])('rejects a non-admin reading %s', async (_case, route) => {
    const response = await apiFetch(service.url, route, {}, 'lea');
    expect(response.status).toBe(403);
  });

  it('rejects a non-admin creating a grant', async () => {
    const body = JSON.stringify({ user: 'lea', expires_at: '2099-01-01T00:00:00Z', max_runtime_s: 600, reason: 'Self-service' });
    const response = await apiFetch(service.url, '/admin/critical-grants', { method: 'POST', headers: { 'content-type': 'application/json' }, body }, 'lea');
    expect(response.status).toBe(403);
    const [counted] = (await service.db('critical_grants').count({ count: '*' })) as Array<{ count: string | number }>;
    expect(Number(counted?.count)).toBe(0);
  });

  it('exports CSV with quoting and formula guard', async () => {
    const response = await apiFetch(service.url, '/admin/audit?format=csv&actor=lea', {}, 'admin');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain('dofc-audit.csv');
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,before,after,reason');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/,lea,policy\.update,reservation:5,,".*","'=HYPERLINK\(""http:\/\/example\.invalid""\)"$/);
    expect(lines[2]).toMatch(/,lea,reservation\.create,reservation:3,,"\{""note"":""day 3, \\""quoted\\""""\}",$/);
  });
});

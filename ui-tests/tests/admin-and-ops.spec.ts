import { expect, test } from '@playwright/test';
import { readEnvironment, type TestEnvironment } from '../support/environment';
import { LabPage, writeNotebook, writeRootFile } from '../support/lab-page';
import { setRole, type Role } from '../support/scheduler-access';

// Global set-up gives the scheduler one core and a zero interactive shuffle threshold, so a light
// cell that groups a file's rows is moved to the heavy pool by pre-flight.
const NOTEBOOK = 'operations.ipynb';
const CELLS = [
  { source: 'import time\nimport pandas as pd\nsales = pd.read_csv("sales.csv")\ntotals = sales.groupby("region").sum()\ntime.sleep(3600)' },
  { source: 'import time\nfor step in range(6):\n    time.sleep(3)\nprint("done")' },
  { source: 'print("waits for the core")' },
];
const SALES_CSV = ['region,amount', ...Array.from({ length: 200 }, (_, i) => `r${i % 7},${i}`)].join('\n');

interface JobBody {
  job_id: number;
  label: string;
  state: string;
}

let environment: TestEnvironment;
let lab: LabPage;
let progressJobId = 0;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  environment = readEnvironment();
  writeRootFile(environment, 'sales.csv', SALES_CSV);
  writeNotebook(environment, NOTEBOOK, CELLS);
  lab = new LabPage(await browser.newPage(), environment);

  // The extension reads the role once, when JupyterLab loads, so the Jupyter user is made an
  // admin before the page opens.
  const identity = await lab.apiJson<{ user: string; role: Role }>('me');
  if (identity.role !== 'admin') await setRole(environment, identity.user, 'admin');
  await lab.openNotebook(NOTEBOOK);
});

test.afterAll(async () => {
  await lab.page.close();
});

test('pre-flight shows risk and L→H move', async () => {
  const dialog = await lab.openSubmitDialog(0, 'L');
  const preflight = dialog.locator('.dofc-Preflight');

  const flag = preflight.locator('.dofc-Preflight-flag[data-flag="long_sleep"]');
  await expect(flag.locator('.dofc-Preflight-severity')).toHaveText('warning');
  await expect(flag.locator('.dofc-Preflight-where')).toHaveText("line 5");
  await expect(flag.locator('.dofc-Preflight-fix')).toContainText('Fix:');
  await expect(preflight.locator('.dofc-Preflight-verdict')).toHaveAttribute('data-moved', 'true');
  await expect(preflight.locator('.dofc-Preflight-move')).toHaveText('Label L → H');
  await expect(preflight.locator('.dofc-Preflight-reason')).toContainText('shuffle');
  for (const fact of ['eta', 'planned', 'plannedReason', 'finish', 'shuffle', 'cost']) {
    await expect(preflight.locator(`.dofc-Preflight-${fact}`)).not.toBeEmpty();
  }
  await lab.screenshot('preflight-dialog', { locator: dialog.locator('.jp-Dialog-content'), forDocs: true });
  await expect(preflight.locator('.dofc-Preflight-flags')).toHaveScreenshot('preflight-flags.png');

  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  const jobId = await lab.jobIdOf(lab.cellStatus(0));
  await expect.poll(async () => (await lab.apiJson<JobBody>(`jobs/${jobId}`)).label, { timeout: 30_000 }).toBe('H');

  // The cell sleeps for an hour; it was queued only to check its label.
  await lab.apiJson(`jobs/${jobId}/cancel`, { method: 'POST', data: {} });
});

test('live ops draws use, queues and shares', async () => {
  await lab.submitCell(1);
  progressJobId = await lab.jobIdOf(lab.cellStatus(1));
  await expect(lab.cellStatus(1)).toHaveAttribute('data-state', 'running', { timeout: 40_000 });
  await lab.submitCell(2);
  await expect(lab.cellStatus(2)).toHaveAttribute('data-state', 'queued', { timeout: 40_000 });

  const sidebar = await lab.showSidebarTab('ops');
  const liveOps = sidebar.locator('.dofc-LiveOps');
  await expect(liveOps.locator('.dofc-UsageChart')).toHaveCount(2);
  await expect(liveOps.locator('.dofc-UsageChart.dofc-mod-cores .dofc-Chart-floor')).toHaveCount(1);
  await expect(liveOps.locator('.dofc-QueueChart .dofc-Bar[data-key="interactive"] .dofc-Bar-text')).toHaveText('1');
  const owner = ((await lab.apiJson<{ owner: string }>('jobs/' + progressJobId)) as { owner: string }).owner;
  const share = liveOps.locator(`.dofc-ShareChart .dofc-Bar[data-key="${owner}"]`);
  await expect(share.locator('.dofc-Bar-text')).toHaveText('100%');
  await expect(share.locator('.dofc-Bar-mark')).toHaveCount(1);
  await expect(liveOps.locator('.dofc-SloChart .dofc-Bar')).toHaveCount(2);
  await expect(liveOps.locator('.dofc-LiveOps-pause')).toHaveText('No heavy job may be paused now.');

  // The panel polls while it is shown, so a later snapshot replaces the first.
  const first = await liveOps.getAttribute('data-updated');
  await expect(liveOps).not.toHaveAttribute('data-updated', first ?? '', { timeout: 15_000 });
  await lab.screenshot('live-ops', { locator: sidebar, forDocs: true });
});

test('timeline draws job events live', async () => {
  const sidebar = await lab.showSidebarTab('jobs');
  await lab.jobRow(sidebar, progressJobId).locator('.dofc-JobRow-timeline').click();
  const timeline = lab.page.locator(`.dofc-Timeline[data-job-id="${progressJobId}"]`);
  await expect(timeline.locator('.dofc-Timeline-chart')).toBeVisible();
  await expect(timeline.locator('circle[data-type="preflight"]')).toHaveCount(1);
  await expect(timeline.locator('.dofc-Timeline-item[data-type="state"]').first()).toContainText('submitted');

  // The job runs on while the tab is open; its end arrives over the event stream.
  await expect(timeline).toHaveAttribute('data-state', 'succeeded', { timeout: 40_000 });
  await expect(timeline.locator('circle.dofc-state-running')).toHaveCount(1);
  await expect(timeline.locator('circle.dofc-state-succeeded')).toHaveCount(1);
  await expect(timeline.locator('circle[data-type="progress"]').first()).toBeVisible();
  await lab.closeSidebar();
  await lab.screenshot('job-timeline', { locator: timeline, forDocs: true });
  await lab.page.locator('.lm-TabBar-tab', { hasText: `Job ${progressJobId} timeline` }).locator('.lm-TabBar-tabCloseIcon').click();
  await expect(timeline).toHaveCount(0);
});

test('admin edits cap and books reservation', async () => {
  const palette = await lab.searchPalette('DOFC Admin');
  await palette.locator('.lm-CommandPalette-itemLabel', { hasText: 'Open DOFC Admin' }).click();
  const admin = lab.page.locator('.dofc-Admin');
  await expect(admin).toHaveAttribute('data-loaded', 'true');
  await expect(admin.locator('.dofc-Admin-audit')).toHaveAttribute('data-available', /true|false/);

  const ceilings = admin.locator('[data-table="ceiling-users"]');
  await ceilings.locator('.dofc-Admin-addRow').click();
  const row = ceilings.locator('tbody tr').last();
  await row.locator('input[name="name"]').fill('ben');
  await row.locator('input[name="cores"]').fill('2');
  await row.locator('input[name="memGb"]').fill('3');
  await admin.locator('.dofc-Admin-savePolicy').click();
  await expect(admin.locator('.dofc-Admin-policy')).toHaveAttribute('data-saved', /^\d+$/);
  const policy = await lab.apiJson<{ settings: { heavy?: { executorCeilings?: { users?: Record<string, unknown> } } } }>('admin/policy');
  expect(policy.settings.heavy?.executorCeilings?.users?.['ben']).toEqual({ cores: 2, memGb: 3 });

  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  const form = admin.locator('.dofc-Admin-reservationForm');
  await form.locator('select[name="kind"]').selectOption('team');
  await form.locator('input[name="name"]').fill('data');
  await form.locator('input[name="cores"]').fill('1');
  await form.locator('input[name="mem_gb"]').fill('2');
  await form.locator('input[name="starts_at"]').fill(`${day}T10:00`);
  await form.locator('input[name="ends_at"]').fill(`${day}T14:00`);
  await form.locator('input[name="note"]').fill('month-end close');
  await form.locator('.dofc-Admin-createReservation').click();
  await expect(admin.locator('.dofc-Admin-reservation')).toHaveCount(1);
  await expect(admin.locator('.dofc-Week-block').first()).toBeVisible();

  const { reservations } = await lab.apiJson<{ reservations: Array<{ team: string | null; cores: number; mem_gb: number; note: string | null }> }>('admin/reservations');
  expect(reservations).toHaveLength(1);
  expect(reservations[0]).toMatchObject({ team: 'data', cores: 1, mem_gb: 2, note: 'month-end close' });

  await admin.locator('.dofc-Admin-header').scrollIntoViewIfNeeded();
  await lab.screenshot('admin-policy', { forDocs: true });
  await lab.screenshot('admin-reservations', { locator: admin.locator('.dofc-Admin-reservations'), forDocs: true });
  await expect(admin.locator('[data-table="ceiling-users"]')).toHaveScreenshot('admin-ceilings.png');
});

test('admin approves a critical job', async () => {
  const admin = lab.page.locator('.dofc-Admin');
  await expect(admin).toHaveAttribute('data-loaded', 'true');
  // The job waits for a start far ahead, so it stays queued while the list shows it.
  const job = await lab.apiJson<JobBody>('jobs', {
    method: 'POST',
    data: { label: 'H', priority: 'P0', not_before: '2099-01-01T00:00:00Z', source: { kind: 'cell', content: 'print("incident fix")' } },
  });
  await expect.poll(async () => (await lab.apiJson<JobBody>(`jobs/${job.job_id}`)).state, { timeout: 30_000 }).toBe('queued');

  await admin.locator('.dofc-Admin-reload').click();
  const item = admin.locator(`.dofc-Admin-approval[data-job-id="${job.job_id}"]`);
  await expect(item).toHaveAttribute('data-approved', 'false');
  await item.locator('.dofc-Admin-approve').click();

  await expect(item).toHaveAttribute('data-approved', 'true');
  await expect(item.locator('.dofc-Admin-approvalState')).toContainText('approved by');
  await expect(item.locator('.dofc-Admin-approve')).toHaveText('Renew approval');
  const approved = await lab.apiJson<{ critical_approval: { by: string } | null }>(`jobs/${job.job_id}`);
  expect(approved.critical_approval?.by).toBe((await lab.apiJson<{ user: string }>('me')).user);

  await lab.apiJson(`jobs/${job.job_id}/cancel`, { method: 'POST', data: {} });
});

test('non-admin sees no admin page', async ({ browser }) => {
  // Every browser session of a token-protected Jupyter server acts as the user running the
  // server, so the test makes that user a plain user for a fresh page and restores the role after.
  const identity = await lab.apiJson<{ user: string; role: Role }>('me');
  await setRole(environment, identity.user, 'user');
  const context = await browser.newContext();
  const other = new LabPage(await context.newPage(), environment);
  try {
    await other.openNotebook(NOTEBOOK);
    expect((await other.apiJson<{ role: string }>('me')).role).toBe('user');

    const palette = await other.searchPalette('DOFC');
    await expect(palette.locator('.lm-CommandPalette-itemLabel', { hasText: 'Submit Cell to DOFC…' })).toBeVisible();
    await expect(palette.locator('.lm-CommandPalette-itemLabel', { hasText: 'Open DOFC Admin' })).toHaveCount(0);
    await other.page.keyboard.press('Escape');

    for (const route of ['admin/policy', 'admin/reservations', 'admin/audit']) {
      expect((await other.api(route)).status(), route).toBe(403);
    }
    const reservation = { team: 'data', cores: 1, mem_gb: 1, starts_at: new Date().toISOString(), ends_at: new Date(Date.now() + 3_600_000).toISOString() };
    expect((await other.api('admin/reservations', { method: 'POST', data: reservation })).status()).toBe(403);
  } finally {
    await context.close();
    await setRole(environment, identity.user, identity.role);
  }
});

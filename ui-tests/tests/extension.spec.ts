import { expect, test } from '@playwright/test';
import { readEnvironment, type TestEnvironment } from '../support/environment';
import { LabPage, readNotebookFile, writeNotebook } from '../support/lab-page';

// The scheduler has one core (DOFC_CORES=1 in global set-up), so a light job submitted while the
// light blocker runs waits at position 1. Pre-flight takes several seconds per job, so the
// blocker sleeps long enough for the second job to reach the queue while it runs.
const NOTEBOOK = 'analysis.ipynb';
const CELLS = [
  { source: 'import time\nSTEP = 1', dofc: { setup: true } },
  { source: 'time.sleep(15)\nprint("blocker done")' },
  { source: 'total = sum(range(10 * STEP))\nprint(total)' },
  { source: 'time.sleep(25)' },
];

let environment: TestEnvironment;
let lab: LabPage;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  environment = readEnvironment();
  writeNotebook(environment, NOTEBOOK, CELLS);
  const page = await browser.newPage();
  lab = new LabPage(page, environment);
  await lab.openNotebook(NOTEBOOK);
});

test.afterAll(async () => {
  await lab.page.close();
});

test('labels notebook H and cell L', async () => {
  await expect(lab.notebookLabelToggle).toHaveText('L');
  await lab.notebookLabelToggle.click();
  await expect(lab.notebookLabelToggle).toHaveText('H');
  await expect(lab.notebookLabelToggle).toHaveAttribute('data-label', 'H');

  await lab.clickCellToolbar(2, 'dofc:toggle-cell-label');
  await expect(lab.cell(2)).toHaveAttribute('data-dofc-label', 'L');
  await expect(lab.cell(1)).not.toHaveAttribute('data-dofc-label', /.+/);

  await lab.save();
  const saved = readNotebookFile(environment, NOTEBOOK);
  expect(saved.metadata['dofc']).toEqual({ label: 'H' });
  expect(saved.cells[2]?.metadata['dofc']).toEqual({ label: 'L' });
  await lab.screenshot('labels', { locator: lab.notebook });
});

test('palette and context menu offer submit', async () => {
  await lab.activateCell(2);
  await lab.cell(2).locator('.jp-InputPrompt').click({ button: 'right' });
  const menu = lab.page.locator('.lm-Menu');
  await expect(menu.locator('.lm-Menu-itemLabel', { hasText: 'Submit Cell to DOFC…' })).toBeVisible();
  await expect(menu.locator('.lm-Menu-itemLabel', { hasText: 'Submit Notebook to DOFC…' })).toBeVisible();
  await expect(menu.locator('.lm-Menu-itemLabel', { hasText: 'Mark Cell as DOFC Setup' })).toBeVisible();
  await lab.screenshot('context-menu');
  await lab.page.keyboard.press('Escape');

  await lab.page.keyboard.press('Control+Shift+c');
  const palette = lab.page.locator('#command-palette');
  await palette.locator('input').fill('DOFC');
  await expect(palette.locator('.lm-CommandPalette-itemLabel', { hasText: 'Submit Cell to DOFC…' })).toBeVisible();
  await expect(palette.locator('.lm-CommandPalette-itemLabel', { hasText: 'Submit Notebook to DOFC…' })).toBeVisible();
  await lab.screenshot('command-palette');
  await lab.page.keyboard.press('Escape');
});

test('cell status goes from queued to done live', async () => {
  // The notebook is labelled H now, so the blocker is set to L to share the pool of the next job.
  await lab.submitCell(1, { label: 'L' });
  const blockerStatus = lab.cellStatus(1);
  await expect(blockerStatus).toBeVisible();

  await lab.submitCell(2);
  const status = lab.cellStatus(2);
  const jobId = await lab.jobIdOf(status);

  await expect(status).toHaveAttribute('data-state', 'queued', { timeout: 40_000 });
  await expect(status.locator('.dofc-Status-position')).toHaveText('Position 1');
  await expect(status.locator('.dofc-Status-eta')).toContainText('ETA');
  await lab.screenshot('inline-status-queued', { locator: lab.notebook, forDocs: true });

  // From here on the page is never reloaded: every change arrives over the event stream.
  await expect(status).toHaveAttribute('data-state', 'running', { timeout: 40_000 });
  await expect(status.locator('.dofc-Progress')).toBeVisible({ timeout: 30_000 });
  await expect(status).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 });
  await expect(status.locator('.dofc-Progress')).toHaveAttribute('aria-valuenow', '100');
  await expect(status.locator('.dofc-OutputLink')).toBeVisible();
  await lab.screenshot('inline-status', { locator: lab.notebook, forDocs: true });

  const job = await lab.apiJson<{ owner: string; label: string; spec: { source: { kind: string; path?: string } } }>(`jobs/${jobId}`);
  // The browser's cookies carry the Jupyter user; a token request without them is another anonymous user.
  const identity = (await (await lab.page.request.get(`${environment.jupyterUrl}/dofc/identity`)).json()) as { owner: string };
  expect(job.owner).toBe(identity.owner);
  expect(job.label).toBe('L');
  expect(job.spec.source.kind).toBe('cell');
  expect(job.spec.source.path).toBe(`${environment.notebookRoot}/${NOTEBOOK}`);
});

test('output link opens the executed cell', async () => {
  await lab.cellStatus(2).locator('.dofc-OutputLink').click();
  const output = lab.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output').filter({ hasText: '45' });
  await expect(output.first()).toBeVisible();
  await lab.screenshot('output');
  await lab.page.locator('.lm-TabBar-tab', { hasText: NOTEBOOK }).click();
});

test('sidebar lists jobs and cancels one', async () => {
  await lab.submitCell(3);
  const sleeperId = await lab.jobIdOf(lab.cellStatus(3));
  const finishedId = await lab.jobIdOf(lab.cellStatus(2));

  const sidebar = await lab.openSidebar();
  await expect(lab.jobRow(sidebar, finishedId).locator('.dofc-JobRow-status')).toHaveAttribute('data-state', 'succeeded');
  const sleeper = lab.jobRow(sidebar, sleeperId);
  await expect(sleeper.locator('.dofc-JobRow-cancel')).toBeEnabled();

  await sleeper.locator('.dofc-JobRow-cancel').click();
  await expect(sleeper.locator('.dofc-JobRow-status')).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(lab.cellStatus(3)).toHaveAttribute('data-state', 'cancelled');
  await lab.screenshot('sidebar', { locator: sidebar, forDocs: true });
  await lab.screenshot('sidebar-page');
});

test('notebook submission shows status in the toolbar', async () => {
  await lab.closeSidebar();
  await lab.notebook.locator('.jp-Toolbar [data-command="dofc:submit-notebook"]').click();
  await lab.confirmSubmitDialog({ priority: 'P1' });
  await expect(lab.notebookStatus).toHaveAttribute('data-state', /queued|submitted|preflight|starting|running|succeeded/);
  const jobId = await lab.jobIdOf(lab.notebookStatus);

  const job = await lab.apiJson<{ label: string; priority: string; spec: { source: { kind: string } } }>(`jobs/${jobId}`);
  expect(job.label).toBe('H');
  expect(job.priority).toBe('P1');
  expect(job.spec.source.kind).toBe('notebook');
  await lab.screenshot('notebook-toolbar', { locator: lab.notebook.locator('.jp-NotebookPanel-toolbar') });

  // The notebook job would run the 25-second cell, so stop it to keep the suite short.
  await lab.apiJson(`jobs/${jobId}/cancel`, { method: 'POST', data: {} });
  await expect(lab.notebookStatus).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
});

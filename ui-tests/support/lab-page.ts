import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIResponse, type Locator, type Page } from '@playwright/test';
import { REPO_ROOT, type TestEnvironment } from './environment';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'ui-tests', 'test-results');
const DOCS_IMAGES = path.join(REPO_ROOT, 'docs', 'images');

export interface NotebookCell {
  source: string;
  dofc?: Record<string, unknown>;
}

export interface SubmitChoices {
  label?: 'L' | 'H';
  priority?: 'P0' | 'P1' | 'P2';
}

/** Write a text file, such as a CSV a notebook reads, into the Jupyter root folder. */
export function writeRootFile(environment: TestEnvironment, name: string, content: string): void {
  writeFileSync(path.join(environment.notebookRoot, name), content);
}

/** Write a notebook of code cells into the Jupyter root folder. */
export function writeNotebook(environment: TestEnvironment, name: string, cells: NotebookCell[]): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((cell, index) => ({
      id: `cell-${index}`,
      cell_type: 'code',
      execution_count: null,
      outputs: [],
      source: cell.source,
      metadata: cell.dofc !== undefined ? { dofc: cell.dofc } : {},
    })),
  };
  writeFileSync(path.join(environment.notebookRoot, name), JSON.stringify(notebook, null, 1));
}

export function readNotebookFile(environment: TestEnvironment, name: string): { metadata: Record<string, unknown>; cells: Array<{ metadata: Record<string, unknown> }> } {
  return JSON.parse(readFileSync(path.join(environment.notebookRoot, name), 'utf8'));
}

/** The JupyterLab page with one notebook open, and the DOFC controls the tests use. */
export class LabPage {
  constructor(
    readonly page: Page,
    private readonly environment: TestEnvironment,
  ) {}

  async openNotebook(name: string): Promise<void> {
    await this.page.goto(`${this.environment.jupyterUrl}/lab/tree/${encodeURIComponent(name)}?token=${this.environment.token}&reset`);
    await expect(this.notebookLabelToggle).toBeVisible({ timeout: 60_000 });
    await expect(this.cell(0)).toBeVisible();
  }

  get notebook(): Locator {
    return this.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  }

  get notebookLabelToggle(): Locator {
    return this.notebook.locator('.dofc-LabelToggle');
  }

  get notebookStatus(): Locator {
    return this.notebook.locator('.dofc-NotebookStatus');
  }

  cell(index: number): Locator {
    return this.notebook.locator('.jp-Notebook .jp-Cell').nth(index);
  }

  cellStatus(index: number): Locator {
    return this.cell(index).locator('.dofc-CellStatus');
  }

  async activateCell(index: number): Promise<void> {
    await this.cell(index).locator('.jp-InputPrompt').click();
    await expect(this.cell(index)).toHaveClass(/jp-mod-active/);
  }

  /** Click a button of the cell toolbar, which JupyterLab shows on the active cell. */
  async clickCellToolbar(index: number, command: string): Promise<void> {
    await this.activateCell(index);
    await this.cell(index).locator(`.jp-cell-toolbar [data-command="${command}"]`).click();
  }

  async submitCell(index: number, choices: SubmitChoices = {}): Promise<void> {
    await this.clickCellToolbar(index, 'dofc:submit-cell');
    await this.confirmSubmitDialog(choices);
  }

  async confirmSubmitDialog(choices: SubmitChoices): Promise<void> {
    const dialog = this.page.locator('.jp-Dialog');
    await expect(dialog.locator('.dofc-SubmitForm')).toBeVisible();
    if (choices.label !== undefined) await dialog.locator('select[name="dofc-label"]').selectOption(choices.label);
    if (choices.priority !== undefined) await dialog.locator('select[name="dofc-priority"]').selectOption(choices.priority);
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
  }

  /**
   * Call a scheduler route through the Jupyter proxy as this page's Jupyter user. The request
   * carries the page's cookies, so the proxy signs it for the same user as the extension. The
   * token in the URL skips the XSRF check that cookie-only writes need.
   */
  async api(route: string, options: { method?: string; data?: unknown } = {}): Promise<APIResponse> {
    const separator = route.includes('?') ? '&' : '?';
    return this.page.request.fetch(`${this.environment.jupyterUrl}/dofc/${route}${separator}token=${this.environment.token}`, {
      method: options.method ?? 'GET',
      ...(options.data !== undefined ? { data: options.data } : {}),
    });
  }

  /** Call a scheduler route that must succeed, and parse its JSON response. */
  async apiJson<T>(route: string, options: { method?: string; data?: unknown } = {}): Promise<T> {
    const response = await this.api(route, options);
    expect(response.ok(), `${options.method ?? 'GET'} ${route} returned ${response.status()}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  }

  /** Open the command palette and type `query`; returns the palette. */
  async searchPalette(query: string): Promise<Locator> {
    // The shortcut reaches JupyterLab only while the focus is inside it, so a cell takes it first.
    await this.activateCell(0);
    await this.page.keyboard.press('Control+Shift+c');
    const palette = this.page.locator('#command-palette');
    await expect(palette).toBeVisible();
    await palette.locator('input').fill(query);
    return palette;
  }

  /** Open the submit dialog of a cell, choose a label and wait for its pre-flight analysis. */
  async openSubmitDialog(index: number, label: 'L' | 'H'): Promise<Locator> {
    await this.clickCellToolbar(index, 'dofc:submit-cell');
    const dialog = this.page.locator('.jp-Dialog');
    await dialog.locator('select[name="dofc-label"]').selectOption(label);
    await expect(dialog.locator('.dofc-Preflight')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    return dialog;
  }

  async showSidebarTab(tab: 'jobs' | 'ops'): Promise<Locator> {
    const sidebar = await this.openSidebar();
    await sidebar.locator(`.dofc-Sidebar-tab[data-tab="${tab}"]`).click();
    return sidebar;
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+s');
    await expect(this.page.locator('.jp-mod-dirty')).toHaveCount(0);
  }

  async openSidebar(): Promise<Locator> {
    const sidebar = this.page.locator('#dofc-jobs-sidebar');
    if (!(await sidebar.isVisible())) await this.page.locator('.jp-SideBar [data-id="dofc-jobs-sidebar"]').click();
    await expect(sidebar).toBeVisible();
    return sidebar;
  }

  /**
   * Close the My jobs sidebar. While it is open the notebook is narrower, and JupyterLab moves
   * toolbar items that no longer fit, the notebook's job status among them, into the "..." menu.
   */
  async closeSidebar(): Promise<void> {
    const sidebar = this.page.locator('#dofc-jobs-sidebar');
    if (await sidebar.isVisible()) await this.page.locator('.jp-SideBar [data-id="dofc-jobs-sidebar"]').click();
    await expect(sidebar).toBeHidden();
  }

  jobRow(sidebar: Locator, jobId: number): Locator {
    return sidebar.locator(`.dofc-JobRow[data-job-id="${jobId}"]`);
  }

  /** The id of the job a status element shows, once it shows one. */
  async jobIdOf(status: Locator): Promise<number> {
    await expect(status).toHaveAttribute('data-job-id', /^\d+$/);
    return Number(await status.getAttribute('data-job-id'));
  }

  /** Save a screenshot under ui-tests/test-results/, and copy it to docs/images/ when it illustrates the README. */
  async screenshot(name: string, options: { locator?: Locator; forDocs?: boolean } = {}): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    if (options.locator !== undefined) await options.locator.screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    if (options.forDocs === true) {
      mkdirSync(DOCS_IMAGES, { recursive: true });
      copyFileSync(file, path.join(DOCS_IMAGES, `${name}.png`));
    }
    return file;
  }
}

import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, REPO_ROOT } from '../../src/config.js';
import { InspectorPool } from '../../src/preflight/inspector-pool.js';
import { InspectorError } from '../../src/preflight/inspector-report.js';

const realPython = loadConfig({}).python;

/** An interpreter wrapper that appends a line to `starts.log` each time an inspector process starts. */
function countingInterpreter(): { python: string; starts: () => number } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-inspector-pool-'));
  const log = path.join(folder, 'starts.log');
  const python = path.join(folder, 'python');
  writeFileSync(python, ['#!/bin/sh', `echo "$$" >> "${log}"`, `exec "${realPython}" "$@"`, ''].join('\n'));
  chmodSync(python, 0o755);
  writeFileSync(log, '');
  return { python, starts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

function notebook(...cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((source, index) => ({ id: `c${index}`, cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source })),
  });
}

describe('inspector pool', () => {
  let pool: InspectorPool | null = null;

  afterEach(() => {
    pool?.close();
    pool = null;
  });

  it('inspects notebooks and cells', async () => {
    pool = new InspectorPool({ python: realPython, cwd: REPO_ROOT, timeoutMs: 30_000 }, 1);

    const report = await pool.inspect('notebook', notebook('import pandas as pd', "df = pd.read_csv('trips.csv')\nrows = df.collect()"));
    const cell = await pool.inspect('cell', "spark.read.parquet('events/').crossJoin(other)");

    expect(report.inputs.map((input) => input.location)).toEqual(['trips.csv']);
    expect(report.code_cells).toBe(2);
    expect(cell.uses_spark).toBe(true);
    expect(cell.flags.map((flag) => flag.id)).toContain('cross_join');
  });

  it('keeps its processes across requests', async () => {
    const interpreter = countingInterpreter();
    pool = new InspectorPool({ python: interpreter.python, cwd: REPO_ROOT, timeoutMs: 30_000 }, 2);

    const reports = await Promise.all(
      Array.from({ length: 12 }, (_, index) => pool!.inspect('script', `import pandas as pd\npd.read_csv('part-${index}.csv')`)),
    );

    expect(reports.map((report) => report.inputs[0]?.location)).toEqual(Array.from({ length: 12 }, (_, index) => `part-${index}.csv`));
    expect(interpreter.starts()).toBeLessThanOrEqual(2);
  });

  it('rejects a notebook it cannot read, and goes on', async () => {
    pool = new InspectorPool({ python: realPython, cwd: REPO_ROOT, timeoutMs: 30_000 }, 1);

    const failure = await pool.inspect('notebook', '{"cells": [').catch((error: unknown) => error);
    const next = await pool.inspect('script', "open('notes.txt').read()");

    expect(failure).toBeInstanceOf(InspectorError);
    expect((failure as InspectorError).message).toMatch(/could not analyse the source: not a Jupyter notebook: invalid JSON/);
    expect((failure as InspectorError).transient).toBe(false);
    expect(next.flags).toEqual([]);
  });

  it('times out a request and replaces the process', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-inspector-pool-'));
    const marker = path.join(folder, 'stalled-once');
    const python = path.join(folder, 'python');
    // The first process stalls before Python starts, as a hung inspector would; the rest are real.
    writeFileSync(
      python,
      ['#!/bin/sh', `if [ ! -e "${marker}" ]; then touch "${marker}"; sleep 60; fi`, `exec "${realPython}" "$@"`, ''].join('\n'),
    );
    chmodSync(python, 0o755);
    pool = new InspectorPool({ python, cwd: REPO_ROOT, timeoutMs: 5_000 }, 1);

    const failure = await pool.inspect('script', 'x = 1').catch((error: unknown) => error);
    const next = await pool.inspect('script', "import pandas as pd\npd.read_parquet('daily/')");

    expect(failure).toBeInstanceOf(InspectorError);
    expect((failure as InspectorError).message).toMatch(/timed out after 5000 ms/);
    expect((failure as InspectorError).transient).toBe(false);
    expect(next.inputs.map((input) => input.location)).toEqual(['daily/']);
  });

  it('reports an outside stop as transient', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-inspector-pool-'));
    const python = path.join(folder, 'python');
    writeFileSync(python, ['#!/bin/sh', 'kill -TERM $$', ''].join('\n'));
    chmodSync(python, 0o755);
    pool = new InspectorPool({ python, cwd: REPO_ROOT, timeoutMs: 30_000 }, 1);

    const failure = await pool.inspect('script', 'x = 1').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InspectorError);
    expect((failure as InspectorError).message).toMatch(/stopped by SIGTERM from outside/);
    expect((failure as InspectorError).transient).toBe(true);
  });

  it('names a missing interpreter', async () => {
    pool = new InspectorPool({ python: '/nonexistent/python3', cwd: REPO_ROOT, timeoutMs: 30_000 }, 1);

    const failure = await pool.inspect('script', 'x = 1').catch((error: unknown) => error);

    expect((failure as InspectorError).message).toMatch(/\/nonexistent\/python3 was not found; set DOFC_PYTHON/);
  });
});

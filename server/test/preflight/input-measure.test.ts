import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOfFile, measureInput } from '../../src/preflight/input-measure.js';

describe('formatOfFile', () => {
  it.each([
    ['sales.csv', 'csv'],
    ['sales.csv.gz', 'csv'],
    ['part-0000.snappy.parquet', 'parquet'],
    ['events.jsonl', 'json'],
    ['model.bin', 'other'],
  ])('%s is %s', (name, expected) => {
    expect(formatOfFile(name)).toBe(expected);
  });
});

describe('measureInput', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dofc-measure-'));
  writeFileSync(path.join(root, 'small.csv'), 'a,b\n1,2\n');
  const table = path.join(root, 'table');
  for (const day of ['2024-01-01', '2024-01-02']) {
    mkdirSync(path.join(table, `date=${day}`), { recursive: true });
    writeFileSync(path.join(table, `date=${day}`, 'part-0.parquet'), Buffer.alloc(1000));
    writeFileSync(path.join(table, `date=${day}`, 'part-1.parquet'), Buffer.alloc(500));
  }
  writeFileSync(path.join(table, '_SUCCESS'), '');

  it('relative file resolves against the notebook folder', async () => {
    const measured = await measureInput('small.csv', 'discovered', root);
    expect(measured.resolved).toBe(path.join(root, 'small.csv'));
    expect(measured.bytes).toBe(8);
    expect(measured.format).toBe('csv');
    expect(measured.files).toBe(1);
  });

  it('partitioned directory counts data files and key=value folders', async () => {
    const measured = await measureInput(table, 'declared', null);
    expect(measured.bytes).toBe(3000);
    expect(measured.files).toBe(4);
    expect(measured.partitionDirs).toBe(2);
    expect(measured.format).toBe('parquet');
  });

  it('missing path is reported, not thrown', async () => {
    const measured = await measureInput('absent.csv', 'discovered', root);
    expect(measured.exists).toBe(false);
    expect(measured.note).toMatch(/not found/);
  });

  it('relative path without a folder is not measured', async () => {
    const measured = await measureInput('small.csv', 'discovered', null);
    expect(measured.resolved).toBeNull();
    expect(measured.note).toMatch(/source.path/);
  });

  it('remote location is not measured', async () => {
    const measured = await measureInput('gs://bucket/data.csv', 'discovered', root);
    expect(measured.note).toMatch(/remote/);
  });
});

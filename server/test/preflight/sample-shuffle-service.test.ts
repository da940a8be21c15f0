import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAnalysis } from '../../src/cli/commands/preflight.js';
import type { PreflightAnalysis } from '../../src/preflight/analysis.js';
import { inlineNotebookJob, postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const ORDERS = 200_000;
const CUSTOMERS = 5_000;

/** Writes orders and customers tables that share a customer_id key. */
function writeTables(folder: string): void {
  const orders = Array.from({ length: ORDERS }, (_, i) => `${i},${i % CUSTOMERS},${i % 997}.25`);
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => `${i},country-${i % 11}`);
  writeFileSync(path.join(folder, 'orders.csv'), ['order_id,customer_id,amount', ...orders, ''].join('\n'));
  writeFileSync(path.join(folder, 'customers.csv'), ['customer_id,country', ...customers, ''].join('\n'));
}

/**
 * A PySpark notebook that joins two CSV files read by relative paths, with broadcast joins off
 * so that both sides are shuffled, as in a join of two large tables.
 */
// Reading shuffle bytes does not touch the store, so the test runs once, in the PGlite pass: its
// Spark sample runs take minutes, which a second pass would pay again for nothing.
describe.skipIf(storeKindUnderTest() === 'postgres')('pre-flight shuffle from Spark sample runs', () => {
  let service: TestService;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dofc-sample-spark-'));
  const notebookPath = path.join(folder, 'join.ipynb');
  const { source } = inlineNotebookJob([
    "from pyspark.sql import SparkSession\nspark = SparkSession.builder.master('local[2]').config('spark.sql.shuffle.partitions', '4').getOrCreate()",
    "spark.conf.set('spark.sql.autoBroadcastJoinThreshold', -1)\norders = spark.read.csv('orders.csv', header=True, inferSchema=True)\ncustomers = spark.read.csv('customers.csv', header=True, inferSchema=True)",
    "print(orders.join(customers, 'customer_id').groupBy('country').count().collect())",
    'spark.stop()',
  ]) as { source: { content: string } };
  const notebook = source.content;

  beforeAll(async () => {
    writeTables(folder);
    writeFileSync(notebookPath, notebook);
    // Each sample run starts a local Spark session, so two fractions keep the test short, and a
    // run may take more than the default cap of 60 s while other tests load the machine.
    process.env['DOFC_SAMPLE_FRACTIONS'] = '0.01,0.02';
    process.env['DOFC_SAMPLE_TIMEOUT_S'] = '300';
    service = await startTestService();
  });

  afterAll(async () => {
    delete process.env['DOFC_SAMPLE_FRACTIONS'];
    delete process.env['DOFC_SAMPLE_TIMEOUT_S'];
    await service?.stopAndDrop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('shuffle estimate comes from the sample runs', async () => {
    const response = await postJson(service.url, '/preflight', { owner: 'ana', source: { kind: 'notebook', path: notebookPath, content: notebook } });
    expect(response.status).toBe(200);
    const analysis = (await response.json()) as PreflightAnalysis;

    const sample = analysis.sample!;
    expect(sample.status).toBe('measured');
    const [small, large] = sample.runs;
    expect(small!.shuffle_write_bytes).toBeGreaterThan(10_000);
    expect(large!.shuffle_write_bytes).toBeGreaterThan(small!.shuffle_write_bytes as number);
    expect(large!.shuffle_error).toBeNull();

    expect(sample.shuffle).not.toBeNull();
    expect(sample.shuffle!.b_bytes).toBeGreaterThan(0);
    expect(analysis.est_shuffle_basis).toBe('sample');
    expect(analysis.est_shuffle_gb).toBe(sample.shuffle!.extrapolated_gb);

    // The text `dofc preflight` prints for this analysis.
    const text = formatAnalysis('join.ipynb', analysis);
    expect(text).toMatch(/est_shuffle_gb [\d.e-]+ \(sample\)/);
    expect(text).toMatch(/sample shuffle: extrapolated [\d.e-]+ GB = \d+ \+ \d+·x\^[\d.]+ bytes at x = 1 \(two points, exact fit\)/);
  }, 660_000);
});

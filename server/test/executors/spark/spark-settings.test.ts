import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { loadSparkSettings } from '../../../src/executors/spark/spark-settings.js';

const python = loadConfig({}).python;

describe('loadSparkSettings', () => {
  it('defaults to a local standalone master and the venv pyspark', () => {
    const settings = loadSparkSettings({}, python);

    expect(settings.master).toBe('spark://127.0.0.1:7077');
    expect(settings.masterWebUrl).toBe('http://127.0.0.1:8080');
    expect(settings.sparkHome).toMatch(/site-packages\/pyspark$/);
  });

  it('derives the web UI from the first of several masters', () => {
    expect(loadSparkSettings({ DOFC_SPARK_MASTER: 'spark://m1:7077,m2:7077' }, python).masterWebUrl).toBe('http://m1:8080');
  });

  it('has no master web UI on YARN', () => {
    expect(loadSparkSettings({ DOFC_SPARK_MASTER: 'yarn' }, python).masterWebUrl).toBeNull();
  });

  it.each([
    { name: 'DOFC_SPARK_DYNAMIC_ALLOCATION', value: 'yes' },
    { name: 'DOFC_SPARK_CONF', value: '["spark.a=1"]' },
    { name: 'DOFC_SPARK_CONF', value: 'spark.a=1' },
  ])('rejects $name=$value', ({ name, value }) => {
    expect(() => loadSparkSettings({ [name]: value }, python)).toThrow(`${name}=`);
  });

  it('rejects a missing Spark installation', () => {
    expect(() => loadSparkSettings({}, '/nowhere/bin/python')).toThrow('DOFC_SPARK_HOME');
  });
});

describe('loadConfig executor selection', () => {
  it.each([
    { env: {}, spark: false },
    { env: { DOFC_EXECUTOR: 'local' }, spark: false },
    { env: { DOFC_EXECUTOR: 'spark' }, spark: true },
  ])('DOFC_EXECUTOR=$env.DOFC_EXECUTOR selects spark: $spark', ({ env, spark }) => {
    expect(loadConfig(env).spark !== null).toBe(spark);
  });

  it('rejects an unknown executor', () => {
    expect(() => loadConfig({ DOFC_EXECUTOR: 'ray' })).toThrow('DOFC_EXECUTOR="ray" is invalid');
  });
});

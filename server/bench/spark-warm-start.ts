// Measures submit → first cell of a Light Spark notebook on a standalone cluster, cold spark-submit against a warm driver.
// A cold and a warm service share one cluster (scripts/spark-cluster.sh on the test ports 17077/18080) and take turns, one job at a time.
// Run: cd server && npx tsx bench/spark-warm-start.ts [--runs N]
import os from 'node:os';
import { loadConfig } from '../src/config.js';
import { loadSparkSettings } from '../src/executors/spark/spark-settings.js';
import type { SparkWarmSettings } from '../src/executors/spark/spark-warm-settings.js';
import { startSparkCluster, type TestSparkCluster } from '../test/executors/spark/spark-cluster.js';
import { apiFetch, inlineNotebookJob, startTestService, type TestService } from '../test/support/service.js';
import { summarize } from './latency-summary.js';
import { runJobToEnd } from './notebook-run.js';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;

/** A first cell without Spark, then the notebook's first Spark action, which needs an executor. */
const CELLS = ['n = 1000', 'spark.range(n).selectExpr("sum(id) AS total").collect()[0].total'];
/** The cluster's workers have 1 GiB each, so jobs and warm drivers ask for half of that. */
const ALLOCATION = { max_executors: 1, cores_per_executor: 1, mem_per_executor_gb: 0.5 };
const WARM: SparkWarmSettings = { drivers: 1, allocation: { maxExecutors: 1, coresPerExecutor: 1, memPerExecutorGb: 0.5 } };

interface Mode {
  name: string;
  sparkWarm: SparkWarmSettings;
  service?: TestService;
  submitToFirstCell: number[];
  submitToSparkResult: number[];
  runnerToFirstCell: number[];
  warmStarts: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readyDrivers(service: TestService): Promise<number> {
  const metrics = await (await apiFetch(service.url, '/metrics')).text();
  const line = metrics.split('\n').find((entry) => entry.startsWith('dofc_spark_warm_drivers{state="ready"} '));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Wait until every warm service has its drivers ready, so no driver start overlaps a measured job. */
async function waitForFullPools(modes: Mode[]): Promise<void> {
  for (const mode of modes) {
    if (mode.sparkWarm.drivers === 0) continue;
    const deadline = Date.now() + 300_000;
    while ((await readyDrivers(mode.service as TestService)) < mode.sparkWarm.drivers) {
      if (Date.now() > deadline) throw new Error(`${mode.name}: the warm pool did not refill within 300 s; see spark-warm/slots/*/log.txt in ${mode.service?.config.dataDir}`);
      await sleep(200);
    }
  }
}

/** Submit one Light notebook, wait for its end, and record its start latencies. */
async function runOnce(mode: Mode): Promise<void> {
  const { jobId, submittedAt, events } = await runJobToEnd(mode.service as TestService, inlineNotebookJob(CELLS, { owner: 'ana', label: 'L', ...ALLOCATION }));
  const started = events.find((event) => event.event === 'started');
  const firstCell = events.find((event) => event.event === 'cell' && event.cell === 1);
  const sparkCell = events.find((event) => event.event === 'cell' && event.cell === 2);
  if (started === undefined || firstCell === undefined || sparkCell === undefined) throw new Error(`job ${jobId} has no started or cell events`);
  mode.submitToFirstCell.push(Math.round(firstCell.at * 1000 - submittedAt));
  mode.submitToSparkResult.push(Math.round(sparkCell.at * 1000 - submittedAt));
  mode.runnerToFirstCell.push(Math.round((firstCell.at - started.at) * 1000));
  if (events.some((event) => event.event === 'kernel' && event.warm === true)) mode.warmStarts += 1;
}

async function main(): Promise<void> {
  const modes: Mode[] = [
    { name: 'cold (spark-submit per job)', sparkWarm: { ...WARM, drivers: 0 } },
    { name: 'warm (1 driver waiting)', sparkWarm: WARM },
  ].map((mode) => ({ ...mode, submitToFirstCell: [], submitToSparkResult: [], runnerToFirstCell: [], warmStarts: 0 }));
  console.log(JSON.stringify({ cpus: os.cpus().length, load_average_1m: os.loadavg()[0] }));

  let cluster: TestSparkCluster | null = null;
  try {
    cluster = await startSparkCluster();
    const spark = loadSparkSettings({ DOFC_SPARK_MASTER: cluster.master, DOFC_SPARK_MASTER_UI: cluster.webUrl }, loadConfig({}).python);
    for (const mode of modes) {
      mode.service = await startTestService({ capacity: { cores: 8, memGb: 16 }, spark, sparkWarm: mode.sparkWarm });
    }
    // The modes take turns, so a change in the machine's load affects both alike.
    for (let run = 0; run < RUNS; run++) {
      for (const mode of modes) {
        await waitForFullPools(modes);
        await runOnce(mode);
      }
    }
  } finally {
    for (const mode of modes) await mode.service?.stopAndDrop();
    await cluster?.stop();
  }

  for (const mode of modes) {
    console.log(
      JSON.stringify({
        mode: mode.name,
        runs: RUNS,
        warm_starts: mode.warmStarts,
        submit_to_first_cell: summarize(mode.submitToFirstCell),
        submit_to_first_spark_result: summarize(mode.submitToSparkResult),
        runner_start_to_first_cell: summarize(mode.runnerToFirstCell),
      }),
    );
  }
  console.log(JSON.stringify({ load_average_1m_after: os.loadavg()[0] }));
}

await main();

// Times the Spark event log analysis of one file and reports its peak memory.
// Run: cd server && npx tsx bench/spark-report.ts FILE
import { statSync } from 'node:fs';
import { analyzeSparkEventLogFile } from '../src/observe/spark-report/index.js';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: npx tsx bench/spark-report.ts EVENT_LOG');
  process.exit(2);
}

const start = performance.now();
const report = await analyzeSparkEventLogFile(file);
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    mb: statSync(file).size / 1e6,
    tasks: report.counts.tasks,
    seconds: Number(seconds.toFixed(3)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

import type { Command } from 'commander';
import type { JobView } from '../../contract/job-view.js';
import { getJson, serverUrl } from '../client.js';
import { formatJob, formatJobTable } from '../format.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show one job, or list recent jobs.')
    .argument('[id]', 'job id; without it, list jobs')
    .option('--owner <user>', 'list only this owner\'s jobs')
    .option('--state <state>', 'list only jobs in this state')
    .option('--limit <n>', 'how many jobs to list (1 to 200)', '50')
    .option('--json', 'print JSON: a job object, or {"jobs": [...], "next_cursor": ...}')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (id: string | undefined, options: { owner?: string; state?: string; limit: string; json?: boolean; url?: string }) => {
      const base = serverUrl(options.url);
      if (id !== undefined) {
        const job = await getJson<JobView>(base, `/jobs/${encodeURIComponent(id)}`);
        process.stdout.write(options.json ? `${JSON.stringify(job)}\n` : `${formatJob(job)}\n`);
        return;
      }
      const query = new URLSearchParams({ limit: options.limit });
      if (options.owner !== undefined) query.set('owner', options.owner);
      if (options.state !== undefined) query.set('state', options.state);
      const page = await getJson<{ jobs: JobView[]; next_cursor: string | null }>(base, `/jobs?${query}`);
      process.stdout.write(options.json ? `${JSON.stringify(page)}\n` : `${formatJobTable(page.jobs)}\n`);
    });
}

import type { Command } from 'commander';
import type { JobView } from '../../contract/job-view.js';
import { callApi, serverUrl } from '../client.js';

export function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .description('Cancel a job: at once if it waits, by stopping its runner if it runs.')
    .argument('<id>', 'job id')
    .option('--json', 'print the job as JSON')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (id: string, options: { json?: boolean; url?: string }) => {
      const response = await callApi(serverUrl(options.url), `/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
      const job = (await response.json()) as JobView;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(job)}\n`);
        return;
      }
      const text = response.status === 202 ? `Job ${job.job_id} is running; its runner is being stopped.` : `Job ${job.job_id} cancelled.`;
      process.stdout.write(`${text}\n`);
    });
}

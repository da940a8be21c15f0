import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { callApi, serverUrl } from '../client.js';

export function registerOutputCommand(program: Command): void {
  program
    .command('output')
    .description('Fetch the executed notebook of a job.')
    .argument('<id>', 'job id')
    .option('-o, --out <file>', 'write it to this file instead of standard output')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (id: string, options: { out?: string; url?: string }) => {
      const response = await callApi(serverUrl(options.url), `/jobs/${encodeURIComponent(id)}/output`);
      const text = await response.text();
      if (options.out === undefined) {
        process.stdout.write(text);
        return;
      }
      await writeFile(options.out, text, 'utf8');
      process.stderr.write(`Wrote the executed notebook of job ${id} to ${options.out}\n`);
    });
}

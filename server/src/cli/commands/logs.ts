import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { callApi, serverUrl } from '../client.js';

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("Print a job's log (runner and kernel output, every attempt).")
    .argument('<id>', 'job id')
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (id: string, options: { follow?: boolean; url?: string }) => {
      const query = options.follow ? '?follow=true' : '';
      const response = await callApi(serverUrl(options.url), `/jobs/${encodeURIComponent(id)}/logs${query}`);
      if (response.body === null) return;
      await response.body.pipeTo(Writable.toWeb(process.stdout));
    });
}

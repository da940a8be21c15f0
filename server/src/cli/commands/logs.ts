import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { callApi, serverUrl } from '../client.js';
import { stripControlSequences } from '../control-sequences.js';

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
      // Kernel tracebacks carry colour codes, which show as noise where the output is not a terminal.
      if (process.stdout.isTTY) {
        await response.body.pipeTo(Writable.toWeb(process.stdout));
        return;
      }
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), stripControlSequences(), process.stdout);
    });
}

import { open } from 'node:fs/promises';
import type { Request, Response } from 'express';
import { isTerminal } from '../../contract/job-view.js';
import type { AttemptRow, JobRow } from '../../store/job-rows.js';
import type { ApiServices } from '../services.js';

const FOLLOW_POLL_MS = 300;
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Send a job's log, every attempt in order with a header line each. With `?follow=true` the
 * response stays open and streams new lines until the job ends or the client goes away.
 */
export async function streamJobLogs(services: ApiServices, job: JobRow, request: Request, response: Response): Promise<void> {
  const follow = request.query['follow'] === 'true' || request.query['follow'] === '1';
  response.type('text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');

  let closed = false;
  request.on('close', () => {
    closed = true;
  });

  const offsets = new Map<number, number>();
  for (;;) {
    const attempts = await services.db<AttemptRow>('job_attempts').where({ job_id: job.id }).orderBy('attempt');
    for (const attempt of attempts) {
      if (!offsets.has(attempt.attempt)) {
        response.write(`--- attempt ${attempt.attempt} ---\n`);
        offsets.set(attempt.attempt, 0);
      }
      const from = offsets.get(attempt.attempt) ?? 0;
      const sent = await copyFrom(services.executor.logPath({ attemptDir: attempt.attempt_dir }), from, response);
      offsets.set(attempt.attempt, from + sent);
    }

    if (!follow || closed) break;
    const current = await services.db<JobRow>('jobs').where({ id: job.id }).first();
    const finished = current === undefined || isTerminal(current.state);
    if (finished && attempts.length > 0) {
      // One more pass after the end picks up lines written just before it.
      const last = attempts[attempts.length - 1] as AttemptRow;
      const from = offsets.get(last.attempt) ?? 0;
      await copyFrom(services.executor.logPath({ attemptDir: last.attempt_dir }), from, response);
      break;
    }
    if (finished) break;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
  response.end();
}

/** Copy a file from `offset` to the response and return the bytes sent; a missing file sends nothing. */
async function copyFrom(file: string, offset: number, response: Response): Promise<number> {
  const handle = await open(file, 'r').catch(() => null);
  if (handle === null) return 0;
  let sent = 0;
  try {
    const buffer = Buffer.alloc(READ_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset + sent);
      if (bytesRead === 0) break;
      response.write(Buffer.from(buffer.subarray(0, bytesRead)));
      sent += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return sent;
}

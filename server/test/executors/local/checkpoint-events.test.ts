import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCheckpointEvents } from '../../../src/executors/local/checkpoint-events.js';

const SAVED = { type: 'checkpoint', stage: 'features', action: 'saved', bytes: 1024, duration_s: 0.25, at: '2026-01-02T03:04:05.000+00:00' };

describe('readCheckpointEvents', () => {
  let attemptDir: string;

  beforeEach(async () => {
    attemptDir = await mkdtemp(path.join(tmpdir(), 'dofc-checkpoint-events-'));
  });

  afterEach(async () => {
    await rm(attemptDir, { recursive: true, force: true });
  });

  const cases: Array<{ rule: string; lines: string[]; expected: unknown[] }> = [
    { rule: 'no events file reads as none', lines: [], expected: [] },
    {
      rule: 'checkpoint lines are kept in order',
      lines: [JSON.stringify(SAVED), JSON.stringify({ ...SAVED, stage: 'model', action: 'loaded' })],
      expected: [
        { stage: 'features', action: 'saved', bytes: 1024, duration_s: 0.25, at: SAVED.at },
        { stage: 'model', action: 'loaded', bytes: 1024, duration_s: 0.25, at: SAVED.at },
      ],
    },
    {
      rule: 'progress and cell lines are skipped',
      lines: [JSON.stringify({ event: 'progress', done: 1, total: 2 }), JSON.stringify({ event: 'cell', cell: 1, note: 'checkpoint' }), JSON.stringify(SAVED)],
      expected: [{ stage: 'features', action: 'saved', bytes: 1024, duration_s: 0.25, at: SAVED.at }],
    },
    {
      rule: 'a half-written last line is skipped',
      lines: [JSON.stringify(SAVED), '{"type": "checkpoint", "stage": "mod'],
      expected: [{ stage: 'features', action: 'saved', bytes: 1024, duration_s: 0.25, at: SAVED.at }],
    },
    {
      rule: 'an unknown action is skipped',
      lines: [JSON.stringify({ ...SAVED, action: 'deleted' })],
      expected: [],
    },
    {
      rule: 'a line missing its size is skipped',
      lines: [JSON.stringify({ ...SAVED, bytes: undefined })],
      expected: [],
    },
  ];

  it.each(cases)('$rule', async ({ lines, expected }) => {
    if (lines.length > 0) await writeFile(path.join(attemptDir, 'events.jsonl'), lines.join('\n') + '\n', 'utf8');

    expect(await readCheckpointEvents(attemptDir)).toEqual(expected);
  });
});

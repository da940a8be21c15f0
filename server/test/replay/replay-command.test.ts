import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/cli/client.js';
import { registerReplayCommand } from '../../src/cli/commands/replay.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

const KTH = 'traces/KTH-SP2-1996-2.1-cln.swf';
const kthPath = sharedDataPath(KTH);

async function run(args: string[]): Promise<unknown> {
  const program = new Command('dofc').exitOverride();
  registerReplayCommand(program);
  try {
    await program.parseAsync(['node', 'dofc', 'replay', ...args]);
    return null;
  } catch (error) {
    return error;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('dofc replay', () => {
  it('rejects a missing trace file with exit code 2', async () => {
    const error = await run(['/nonexistent/trace.swf']);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain('/nonexistent/trace.swf not found');
  });

  describe.skipIf(kthPath === null)(`with the KTH trace (${kthPath ?? missingDataMessage(KTH)})`, () => {
    it.each([
      ['an unknown policy', ['--policy', 'sjf'], 'invalid --policy "sjf"; use one of dofc, fifo, easy'],
      ['a zero limit', ['--limit', '0'], 'invalid --limit "0"'],
      ['a fractional user cap', ['--max-heavy-per-user', '1.5'], 'invalid --max-heavy-per-user "1.5"'],
    ])('rejects %s with exit code 2', async (_name, options, message) => {
      const error = await run([kthPath ?? '', ...options]);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toContain(message);
    });

    it('prints the report as JSON', async () => {
      const writes: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        writes.push(String(chunk));
        return true;
      });
      expect(await run([kthPath ?? '', '--policy', 'easy', '--limit', '300', '--json'])).toBeNull();
      const report = JSON.parse(writes.join(''));
      expect(report).toMatchObject({ trace: 'KTH-SP2-1996-2.1-cln.swf', policy: 'easy', jobs: 300 });
      expect(Object.keys(report)).toEqual(
        expect.arrayContaining(['interactive_wait_p50_s', 'interactive_wait_p95_s', 'heavy_start_p95_s', 'utilization', 'avg_bounded_slowdown', 'jain_fairness', 'floor_violations', 'promise_within_tolerance_pct', 'preemptions', 'wall_s']),
      );
    });
  });
});

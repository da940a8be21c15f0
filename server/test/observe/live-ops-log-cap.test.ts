import { readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRunnerAttempt } from './runner-attempt.js';

const CAP_BYTES = 8192;
const NOISY_SCRIPT = ['for i in range(2000):', "    print(f'line {i:05d} ' + 'x' * 40)", "print('the last line')"].join('\n');

describe('attempt log cap', () => {
  let logFile: string;
  let text: string;

  beforeAll(async () => {
    const attempt = await runRunnerAttempt('script', NOISY_SCRIPT, { DOFC_LOG_MAX_BYTES: String(CAP_BYTES) });
    expect(attempt.exit.code).toBe(0);
    logFile = attempt.logFile;
    text = readFileSync(logFile, 'utf8');
  }, 60_000);

  it('keeps the log near its cap', () => {
    // The head and tail stay within the cap; only the two notices about the cut come on top.
    expect(statSync(logFile).size).toBeLessThanOrEqual(CAP_BYTES + 600);
  });

  it('marks the cut with the dropped byte count', () => {
    const notice = /(\d+) bytes of output were dropped here because the log reached its cap of 8192 bytes/.exec(text);
    expect(notice).not.toBeNull();
    // 2000 lines of about 57 bytes each were written, and at most the cap of them were kept.
    expect(Number(notice?.[1])).toBeGreaterThan(2000 * 57 - CAP_BYTES);
  });

  it('keeps the first and the last lines', () => {
    expect(text).toContain('stdout | line 00000');
    expect(text).toContain('stdout | the last line');
    expect(text).toMatch(/runner \| \[dofc\] succeeded/);
  });

  it('drops the middle', () => {
    expect(text).not.toContain('line 01000');
  });
});

describe('attempt log sources', () => {
  const source = [
    'import sys',
    "print('to stdout')",
    "print('to stderr', file=sys.stderr)",
    "print('25/12/04 20:30:00 WARN NativeCodeLoader: no native library', file=sys.stderr)",
  ].join('\n');
  let text: string;

  beforeAll(async () => {
    text = readFileSync((await runRunnerAttempt('script', source)).logFile, 'utf8');
  }, 60_000);

  it.each([
    ['runner', /^runner \| \[dofc\] job 1 attempt 1 started/m],
    ['stdout', /^stdout \| to stdout$/m],
    ['stderr', /^stderr \| to stderr$/m],
    ['spark', /^spark {2}\| 25\/12\/04 20:30:00 WARN NativeCodeLoader/m],
  ])('tags %s lines', (_source, pattern) => {
    expect(text).toMatch(pattern);
  });
});

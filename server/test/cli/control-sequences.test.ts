import { describe, expect, it } from 'vitest';
import { ControlSequenceStripper } from '../../src/cli/control-sequences.js';

const RED = '\u001b[0;31m';
const RESET = '\u001b[0m';

describe('control sequence stripper', () => {
  it('removes colours from a traceback line', () => {
    const stripper = new ControlSequenceStripper();
    expect(stripper.push(`${RED}FileNotFoundError${RESET}: nope.csv\n`)).toBe('FileNotFoundError: nope.csv\n');
  });

  it('completes a sequence cut between chunks', () => {
    const stripper = new ControlSequenceStripper();
    const text = `before ${RED}error${RESET} after`;
    const cut = text.indexOf(RED) + 3;

    const output = stripper.push(text.slice(0, cut)) + stripper.push(text.slice(cut)) + stripper.end();

    expect(output).toBe('before error after');
  });

  it('keeps a lone escape at the end', () => {
    const stripper = new ControlSequenceStripper();
    expect(stripper.push('text \u001b') + stripper.end()).toBe('text \u001b');
  });

  it('leaves plain text alone', () => {
    const stripper = new ControlSequenceStripper();
    expect(stripper.push('[not a sequence] 100%\n')).toBe('[not a sequence] 100%\n');
  });
});

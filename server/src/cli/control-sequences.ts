import { Transform } from 'node:stream';

/**
 * A terminal control sequence (CSI: colours, cursor moves), as IPython prints in tracebacks.
 */
const CONTROL_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const COMPLETE_AT_START = /^\u001b\[[0-9;?]*[ -/]*[@-~]/;
/** Maximum length of a tail held back as the start of a sequence cut by a chunk boundary. */
const MAX_SEQUENCE_LENGTH = 32;

/**
 * Removes control sequences from text that arrives in chunks. A sequence cut at the end of a
 * chunk is held back and completed by the next one.
 */
export class ControlSequenceStripper {
  private carry = '';

  push(chunk: string): string {
    let text = this.carry + chunk;
    this.carry = '';
    const lastEscape = text.lastIndexOf('\u001b');
    if (lastEscape !== -1 && text.length - lastEscape < MAX_SEQUENCE_LENGTH && !COMPLETE_AT_START.test(text.slice(lastEscape))) {
      this.carry = text.slice(lastEscape);
      text = text.slice(0, lastEscape);
    }
    return text.replace(CONTROL_SEQUENCE, '');
  }

  /** Returns what is still held back, once the stream has ended. */
  end(): string {
    const rest = this.carry;
    this.carry = '';
    return rest;
  }
}

/** Returns a stream transform that removes control sequences, for output that is not a terminal. */
export function stripControlSequences(): Transform {
  const stripper = new ControlSequenceStripper();
  const decoder = new TextDecoder();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, stripper.push(decoder.decode(chunk, { stream: true })));
    },
    flush(callback) {
      callback(null, stripper.push(decoder.decode()) + stripper.end());
    },
  });
}

import { describe, expect, it } from 'vitest';
import { parseSwf, SwfParseError } from '../../src/replay/swf.js';

const TEXT = `; Version: 2.2
; MaxProcs: 100
; TimeZoneString: Europe/Stockholm
;
    1        0 964980  97225   56     -1    -1   56 210000    -1  1   1   1  -1 -1 -1 -1 -1
    2   327952 291900   9382   80     -1    -1   80  14400    -1  1   2   2  -1 -1 -1 -1 -1
`;

describe('parseSwf', () => {
  it('reads header values and the fields of each job', () => {
    const trace = parseSwf(TEXT);
    expect(trace.header).toMatchObject({ Version: '2.2', MaxProcs: '100', TimeZoneString: 'Europe/Stockholm' });
    expect(trace.records).toHaveLength(2);
    expect(trace.records[1]).toMatchObject({
      jobId: 2,
      submitS: 327952,
      waitS: 291900,
      runS: 9382,
      allocatedProcs: 80,
      requestedProcs: 80,
      requestedTimeS: 14400,
      status: 1,
      userId: 2,
      groupId: 2,
      queue: -1,
    });
  });

  it.each([
    ['a short line', '1 2 3'],
    ['a word in a field', '1 0 0 10 4 -1 -1 4 60 -1 1 x 1 -1 -1 -1 -1 -1'],
  ])('rejects %s with its line number', (_name, line) => {
    expect(() => parseSwf(`; MaxProcs: 4\n${line}\n`)).toThrow(SwfParseError);
    expect(() => parseSwf(`; MaxProcs: 4\n${line}\n`)).toThrow(/Invalid SWF line 2/);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveStartTime } from '../../src/cli/start-time.js';

describe('resolveStartTime', () => {
  const morning = new Date(2026, 11, 4, 9, 30);

  it('takes a later clock time today', () => {
    expect(resolveStartTime('19:00', morning)).toBe(new Date(2026, 11, 4, 19, 0).toISOString());
  });

  it('moves a passed clock time to tomorrow', () => {
    expect(resolveStartTime('08:15', morning)).toBe(new Date(2026, 11, 5, 8, 15).toISOString());
  });

  it('reads off-peak as the next 19:00', () => {
    expect(resolveStartTime('off-peak', new Date(2026, 11, 4, 20, 0))).toBe(new Date(2026, 11, 5, 19, 0).toISOString());
  });

  it('keeps an ISO date-time', () => {
    expect(resolveStartTime('2026-12-24T18:00:00Z', morning)).toBe('2026-12-24T18:00:00.000Z');
  });

  it.each(['25:00', '7pm', '2026-12-24', ''])('rejects %j', (value) => {
    expect(resolveStartTime(value, morning)).toBeNull();
  });
});

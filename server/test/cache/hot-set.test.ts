import { describe, expect, it } from 'vitest';
import { chooseEvictions, chooseHotSet, type CachedEntry, type HotSetCandidate } from '../../src/cache/hot-set.js';
import { loadHotSetSettings } from '../../src/cache/hot-set-settings.js';

const file = (path: string, bytes: number, reads: number): HotSetCandidate => ({ path, bytes, reads });
const entry = (key: string, bytes: number, lastUsedAt: number): CachedEntry => ({ key, bytes, lastUsedAt });

describe('chooseHotSet', () => {
  const cases: Array<{ name: string; candidates: HotSetCandidate[]; maxBytes: number; expected: string[] }> = [
    { name: 'most read files come first', candidates: [file('/a', 10, 2), file('/b', 10, 5)], maxBytes: 100, expected: ['/b', '/a'] },
    { name: 'files under the minimum reads stay out', candidates: [file('/a', 10, 1), file('/b', 10, 2)], maxBytes: 100, expected: ['/b'] },
    { name: 'a file over the space left is skipped, a smaller one still fits', candidates: [file('/big', 80, 9), file('/huge', 50, 8), file('/small', 20, 3)], maxBytes: 100, expected: ['/big', '/small'] },
    { name: 'a file larger than the bound never enters', candidates: [file('/huge', 101, 9)], maxBytes: 100, expected: [] },
    { name: 'equal reads prefer the smaller file', candidates: [file('/large', 60, 3), file('/small', 50, 3)], maxBytes: 100, expected: ['/small'] },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(chooseHotSet(testCase.candidates, testCase.maxBytes, 2).map((chosen) => chosen.path)).toEqual(testCase.expected);
    });
  }
});

describe('chooseEvictions', () => {
  const cases: Array<{ name: string; entries: CachedEntry[]; incoming: number; keep: string[]; expected: string[] }> = [
    { name: 'nothing is evicted while the new copy fits', entries: [entry('a', 40, 1)], incoming: 60, keep: [], expected: [] },
    { name: 'least recently used goes first', entries: [entry('new', 50, 9), entry('old', 50, 1)], incoming: 50, keep: [], expected: ['old'] },
    { name: 'eviction stops once the copy fits', entries: [entry('a', 30, 1), entry('b', 30, 2), entry('c', 30, 3)], incoming: 40, keep: [], expected: ['a'] },
    { name: 'kept entries are passed over', entries: [entry('old', 50, 1), entry('new', 50, 9)], incoming: 50, keep: ['old'], expected: ['new'] },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(chooseEvictions(testCase.entries, testCase.incoming, 100, new Set(testCase.keep)).map((evicted) => evicted.key)).toEqual(testCase.expected);
    });
  }
});

describe('loadHotSetSettings', () => {
  it('defaults to 2 GiB and two reads', () => {
    expect(loadHotSetSettings({})).toEqual({ maxBytes: 2 * 2 ** 30, minReads: 2, windowDays: 14, refreshS: 30 });
  });

  it('size 0 turns the cache off', () => {
    expect(loadHotSetSettings({ DOFC_HOT_SET_GB: '0' }).maxBytes).toBe(0);
  });

  it('rejects a negative size with the variable name', () => {
    expect(() => loadHotSetSettings({ DOFC_HOT_SET_GB: '-1' })).toThrow(/DOFC_HOT_SET_GB="-1" is invalid/);
  });
});

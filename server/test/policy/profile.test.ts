import { describe, expect, it } from 'vitest';
import { StepProfile } from '../../src/policy/profile.js';

function busyProfile(): StepProfile {
  // 10 cores free, 6 of them busy over [100, 200) and all 10 over [300, 400).
  const profile = new StepProfile(0, 10, 100);
  profile.add(100, 200, -6, 0);
  profile.add(300, 400, -10, 0);
  return profile;
}

describe('StepProfile', () => {
  it.each([
    ['a small job starts at once', 0, 50, 4, 0],
    ['a job too wide for the busy span waits for it to end', 50, 100, 5, 200],
    ['a job too long for the first gap skips past it', 0, 150, 5, 400],
    ['a narrow job runs through the busy span', 0, 250, 4, 0],
    ['a search from inside a busy span starts there', 150, 10, 4, 150],
    ['a zero-length job fits at a free instant', 300, 0, 1, 400],
  ])('%s', (_name, from, duration, cores, expected) => {
    expect(busyProfile().earliestFit(from, duration, cores, 0)).toBe(expected);
  });

  it('never fits a job wider than the capacity', () => {
    expect(busyProfile().earliestFit(0, 10, 11, 0)).toBe(Infinity);
  });

  it('checks memory as well as cores', () => {
    const profile = new StepProfile(0, 10, 100);
    profile.add(0, 50, 0, -90);
    expect(profile.earliestFit(0, 10, 1, 20)).toBe(50);
  });

  it('reports the first shortfall in a window', () => {
    const profile = busyProfile();
    expect(profile.firstShortfall(0, 500, 5, 0)).toBe(100);
    expect(profile.firstShortfall(200, 300, 5, 0)).toBeNull();
    expect(profile.valueAt(350)).toEqual([0, 100]);
    expect(profile.minimumOver(0, 250)).toEqual([4, 100]);
  });

  it('clamps bookings that start before its origin', () => {
    const profile = new StepProfile(100, 10, 10);
    profile.add(0, 200, -3, -3);
    expect(profile.valueAt(150)).toEqual([7, 7]);
    expect(profile.valueAt(250)).toEqual([10, 10]);
  });
});

describe('StepProfile.addMany', () => {
  it('gives the same profile as adding one booking at a time', () => {
    const bookings = [
      { start: 50, end: 150, first: -3, second: -1 },
      { start: -10, end: 100, first: -2, second: 0 },
      { start: 150, end: Infinity, first: -1, second: -5 },
      { start: 120, end: 120, first: -9, second: -9 },
      { start: 100, end: 300, first: 4, second: 2 },
    ];
    const one = busyProfile();
    for (const b of bookings) one.add(b.start, b.end, b.first, b.second);
    const many = busyProfile();
    many.addMany(bookings);
    for (const at of [0, 49, 50, 99, 100, 120, 149, 150, 199, 200, 299, 300, 350, 400, 1000]) {
      expect(many.valueAt(at)).toEqual(one.valueAt(at));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { routeJob, type RoutingInput } from '../../src/policy/routing.js';

const config = validatePolicyConfig({});
const capacity = { cores: 100, memGb: 400 };

describe('routeJob', () => {
  it.each<[string, RoutingInput, string, string | null]>([
    ['an L job within every limit stays interactive', { label: 'L', etaP90S: 600, estShuffleGb: 1 }, 'interactive', null],
    ['an L job without estimates stays interactive', { label: 'L', etaP90S: null, estShuffleGb: null }, 'interactive', null],
    ['an L job at exactly 45 min stays interactive', { label: 'L', etaP90S: 2700, estShuffleGb: null }, 'interactive', null],
    ['an L job over 45 min goes heavy', { label: 'L', etaP90S: 2701, estShuffleGb: null }, 'heavy', 'interactive_runtime_exceeded'],
    ['an L job over the shuffle threshold goes heavy', { label: 'L', etaP90S: 60, estShuffleGb: 51 }, 'heavy', 'interactive_shuffle_exceeded'],
    [
      'an L job wider than the floor goes heavy',
      { label: 'L', etaP90S: 60, estShuffleGb: null, demand: { cores: 31, memGb: 10 }, capacity },
      'heavy',
      'interactive_floor_exceeded',
    ],
    ['an H job stays heavy without a reason', { label: 'H', etaP90S: 60, estShuffleGb: null }, 'heavy', null],
  ])('%s', (_name, input, pool, code) => {
    const routing = routeJob(input, config);
    expect(routing.pool).toBe(pool);
    expect(routing.label).toBe(pool === 'heavy' ? 'H' : 'L');
    expect(routing.reason?.code ?? null).toBe(code);
  });

  it('says why a long job moved', () => {
    const routing = routeJob({ label: 'L', etaP90S: 4200, estShuffleGb: null }, config);
    expect(routing.reason?.message).toBe(
      'Its p90 runtime of 1 h 10 min exceeds the 45 min interactive maximum, so it runs in the heavy pool.',
    );
  });
});

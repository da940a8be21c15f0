import { describe, expect, it } from 'vitest';
import { clampExecutors } from '../../src/policy/caps.js';

describe('clampExecutors', () => {
  const request = { executors: 10, coresPerExecutor: 4, memPerExecutorGb: 16 };

  it.each([
    ['no ceiling keeps the request', null, 10, false],
    ['a roomy ceiling keeps the request', { cores: 64, memGb: 512 }, 10, false],
    ['a core ceiling keeps whole executors', { cores: 30, memGb: 512 }, 7, true],
    ['a memory ceiling keeps whole executors', { cores: 64, memGb: 50 }, 3, true],
  ])('%s', (_name, ceiling, executors, clamped) => {
    const result = clampExecutors(request, ceiling);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.executors).toBe(executors);
    expect(result.demand).toEqual({ cores: executors * 4, memGb: executors * 16 });
    expect(result.clamped).toBe(clamped);
    expect(result.reason?.code ?? null).toBe(clamped ? 'executors_clamped' : null);
  });

  it('rejects an executor larger than the ceiling', () => {
    const result = clampExecutors(request, { cores: 2, memGb: 512 });
    expect(result).toMatchObject({ ok: false, reason: { code: 'executor_over_ceiling' } });
  });
});

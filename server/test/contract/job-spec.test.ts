import { describe, expect, it } from 'vitest';
import { JobSubmissionSchema } from '../../src/contract/job-spec.js';
import { describeFirstIssue } from '../../src/contract/validation-message.js';

const valid = { owner: 'ana', source: { kind: 'script', content: 'print(1)' } };

function problemOf(body: unknown) {
  const parsed = JobSubmissionSchema.safeParse(body);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  return describeFirstIssue(parsed.error, body);
}

describe('JobSubmissionSchema', () => {
  it('fills defaults for a minimal submission', () => {
    const spec = JobSubmissionSchema.parse(valid);
    expect(spec.label).toBe('L');
    expect(spec.priority).toBe('P2');
    expect(spec.retry_policy).toEqual({ max_attempts: 1, backoff_s: 30, max_backoff_s: 3600, retry_timeout: false });
    expect(spec.max_executors).toBe(1);
  });

  it.each([
    ['unknown field', { ...valid, colour: 'red' }, 'colour', /Unknown field colour/],
    ['wrong type', { ...valid, max_executors: 'four' }, 'max_executors', /"four"/],
    ['out of range', { ...valid, max_executors: 0 }, 'max_executors', /\(0\)/],
    ['bad enum', { ...valid, priority: 'P5' }, 'priority', /"P5".*P0/],
    ['bad owner', { ...valid, owner: 'a b' }, 'owner', /letters, digits/],
    ['missing source', { owner: 'ana' }, 'source', /missing/],
    ['source without path or content', { owner: 'ana', source: { kind: 'notebook' } }, 'source.content', /path or an inline content/],
    ['nested unknown field', { ...valid, retry_policy: { tries: 3 } }, 'retry_policy.tries', /Unknown field tries in retry_policy/],
    ['bad deadline', { ...valid, deadline: 'tomorrow' }, 'deadline', /"tomorrow"/],
    ['setup cells on a notebook', { owner: 'ana', source: { kind: 'notebook', content: '{}', setup_cells: ['x=1'] } }, 'source.setup_cells', /only to a source of kind "cell"/],
  ])('rejects %s naming the field', (_name, body, field, message) => {
    const problem = problemOf(body);
    expect(problem.field).toBe(field);
    expect(problem.message).toMatch(message);
  });
});
